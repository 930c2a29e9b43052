package web

import "github.com/traininghub/traininghub/internal/httpx"

// registerManagerRoutes adds the manager pages.
func (h *Handler) registerManagerRoutes(r *httpx.Router) {}
