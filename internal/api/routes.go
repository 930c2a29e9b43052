package api

import "github.com/traininghub/traininghub/internal/httpx"

// register lists every endpoint; each names its policy.
func (h *Handler) register(r *httpx.Router) {
}
