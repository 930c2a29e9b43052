package web

import "github.com/traininghub/traininghub/internal/httpx"

// registerReportRoutes adds the report pages.
func (h *Handler) registerReportRoutes(r *httpx.Router) {}
