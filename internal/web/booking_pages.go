package web

import "github.com/traininghub/traininghub/internal/httpx"

func (h *Handler) registerBookingRoutes(r *httpx.Router) {}
