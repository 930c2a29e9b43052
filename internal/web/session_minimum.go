package web

import (
	"strconv"
	"strings"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
)

// readMinPlaces reads the optional "minimum number of people" box shared by the admin's
// and the partner's session forms: blank is no minimum (0). Whether it fits the places is
// the course package's rule, checked with the rest of the session.
func readMinPlaces(form map[string]string, v problem.Validation) int {
	s := strings.TrimSpace(form["min_places"])
	if s == "" {
		return 0
	}
	n, ok := parseWhole(s)
	if !ok || n < 1 {
		v.Add("min_places", "Enter the minimum number of people as a whole number from 1, like 6, or leave it blank for no minimum")
		return 0
	}
	return n
}

// minPlacesValue fills the box on an edit form: blank when the session has no minimum.
func minPlacesValue(s course.Session) string {
	if s.MinPlaces == 0 {
		return ""
	}
	return strconv.Itoa(s.MinPlaces)
}
