package web

import "github.com/traininghub/traininghub/internal/httpx"

func (h *Handler) registerAdminRoutes(r *httpx.Router) {}
