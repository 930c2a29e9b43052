package api

import "github.com/traininghub/traininghub/internal/httpx"

// registerReportAPI adds the reporting endpoints.
func (h *Handler) registerReportAPI(r *httpx.Router) {}
