package web

import "github.com/traininghub/traininghub/internal/httpx"

// registerPartnerRoutes adds the partner pages.
func (h *Handler) registerPartnerRoutes(r *httpx.Router) {}
