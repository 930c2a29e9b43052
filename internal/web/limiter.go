package web

import "github.com/traininghub/traininghub/internal/clock"

type loginLimiter struct{}

func newLoginLimiter(now clock.Clock) *loginLimiter { return &loginLimiter{} }
