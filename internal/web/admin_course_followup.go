package web

import (
	"strconv"
	"strings"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
)

// The impact follow-up field of the admin course form (admin_courses.go): how many days
// after a session its attendees are asked whether the training changed their practice.
// Blank or 0 means no follow-up; the course package checks the range.

// readFollowUpField reads the field into in, reporting anything that is not a number.
func readFollowUpField(form map[string]string, in *course.CourseInput, v problem.Validation) {
	days := 0
	if s := strings.TrimSpace(form["followup_days"]); s != "" {
		n, ok := parseWhole(s)
		if !ok {
			v.Add("followup_days", "Enter the number of days as a whole number, like 91, or leave it blank for no follow-up")
			return
		}
		days = n
	}
	in.FollowUpDays = &days
}

// followUpFormValue is the field as the form shows it: blank for no follow-up.
func followUpFormValue(days int) string {
	if days == 0 {
		return ""
	}
	return strconv.Itoa(days)
}
