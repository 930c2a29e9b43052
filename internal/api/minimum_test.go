package api_test

import (
	"net/http"
	"testing"
)

// TestSessionMinimumThroughTheAPI: min_places is set on create, kept by a PATCH that does
// not send it, refused above capacity (422 on the field, nothing changed), and 0 clears it.
func TestSessionMinimumThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Minimum numbers")
	r := f.do(http.MethodPost, "/api/v1/sessions", f.adminToken, map[string]any{
		"course_id": c, "starts_at": "2026-12-10T09:30:00Z", "ends_at": "2026-12-10T12:30:00Z",
		"venue": "Guildhall, Bath", "capacity": 10, "min_places": 4,
	})
	want(t, r, http.StatusCreated, "create session with a minimum")
	var s sessionBody
	r.Into(t, &s)
	if s.MinPlaces != 4 {
		t.Fatalf("created: %s", r.Body)
	}
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"venue": "Council House"})
	want(t, r, http.StatusOK, "patch venue")
	r.Into(t, &s)
	if s.MinPlaces != 4 {
		t.Fatalf("a patch without min_places changed it: %s", r.Body)
	}
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"min_places": 11})
	want(t, r, http.StatusUnprocessableEntity, "minimum above capacity")
	if r.errorFields()["min_places"] != "The minimum number of people cannot be more than the 10 places" {
		t.Fatalf("fields: %s", r.Body)
	}
	r = f.do(http.MethodPost, "/api/v1/sessions", f.adminToken, map[string]any{
		"course_id": c, "starts_at": "2026-12-11T09:30:00Z", "ends_at": "2026-12-11T12:30:00Z",
		"venue": "Guildhall, Bath", "capacity": 10, "min_places": -2,
	})
	want(t, r, http.StatusUnprocessableEntity, "negative minimum")
	if r.errorFields()["min_places"] == "" {
		t.Fatalf("fields: %s", r.Body)
	}
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"min_places": 0})
	want(t, r, http.StatusOK, "clear minimum")
	r.Into(t, &s)
	if s.MinPlaces != 0 {
		t.Fatalf("after clearing: %s", r.Body)
	}
}
