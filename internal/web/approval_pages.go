package web

import "github.com/traininghub/traininghub/internal/httpx"

// registerApprovalRoutes adds the approval pages.
func (h *Handler) registerApprovalRoutes(r *httpx.Router) {}
