package web

import "github.com/traininghub/traininghub/internal/httpx"

func (h *Handler) registerAccountRoutes(r *httpx.Router) {}
