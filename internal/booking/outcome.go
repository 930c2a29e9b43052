package booking

import (
	"errors"
	"net/http"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

func (s *Service) observe(outcome, reason string) {
	if s.Outcome != nil {
		s.Outcome(outcome, reason)
	}
}

// observeRefusal reports a failed request: a refusal by its code, a database too busy
// or full to answer as busy, anything else as an error.
func (s *Service) observeRefusal(refused string, err error) {
	if s.Outcome == nil {
		return
	}
	var pe *problem.Error
	switch {
	case errors.Is(err, store.ErrBusy) || errors.Is(err, store.ErrFull):
		s.Outcome("busy", "")
	case errors.As(err, &pe) && pe.Status == http.StatusServiceUnavailable:
		s.Outcome("busy", "")
	case errors.As(err, &pe):
		s.Outcome(refused, pe.Code)
	default:
		s.Outcome("error", "")
	}
}
