package web

import (
	"strconv"
	"strings"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
)

// The manager approval fields of the admin course form (admin_courses.go): whether each
// booking needs the person's manager's approval, and how many days a place is held
// meanwhile. The course package checks the range.

// readApprovalFields reads the fields into in, reporting a hold that is not a number.
// Without approval no place is held, whatever the days say.
func readApprovalFields(form map[string]string, in *course.CourseInput, v problem.Validation) {
	in.ManagerApproval = form["manager_approval"] == "yes"
	if s := strings.TrimSpace(form["approval_hold_days"]); s != "" {
		n, ok := parseWhole(s)
		if !ok {
			v.Add("approval_hold_days", "Enter the number of days as a whole number, like 5, or 0 to hold no place")
			return
		}
		in.ApprovalHoldDays = n
	}
	if !in.ManagerApproval {
		in.ApprovalHoldDays = 0 // nothing to hold a place for
	}
}

// approvalFormValues fills the fields from a stored course, for editing.
func approvalFormValues(crs course.Course, form map[string]string) {
	if crs.ManagerApproval {
		form["manager_approval"] = "yes"
	}
	if crs.ApprovalHoldDays != 0 {
		form["approval_hold_days"] = strconv.Itoa(crs.ApprovalHoldDays)
	}
}
