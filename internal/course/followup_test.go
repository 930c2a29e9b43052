package course_test

import (
	"context"
	"testing"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestFollowUpDays(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	days := func(n int) *int { return &n }
	read := func(id int64) int {
		t.Helper()
		c, err := env.Courses.Course(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.FollowUpDays
	}
	// A course made without saying (a partner's, the API's) gets the default.
	id, err := env.Courses.CreateCourse(ctx, goodCourse())
	if err != nil {
		t.Fatal(err)
	}
	if got := read(id); got != course.DefaultFollowUpDays {
		t.Fatalf("new course: %d", got)
	}
	in := goodCourse()
	in.FollowUpDays = days(30)
	if err := env.Courses.UpdateCourse(ctx, id, in); err != nil || read(id) != 30 {
		t.Fatalf("set 30: %v %d", err, read(id))
	}
	// An edit that does not say leaves it; 0 switches it off.
	if err := env.Courses.UpdateCourse(ctx, id, goodCourse()); err != nil || read(id) != 30 {
		t.Fatalf("kept: %v %d", err, read(id))
	}
	in.FollowUpDays = days(0)
	if err := env.Courses.UpdateCourse(ctx, id, in); err != nil || read(id) != 0 {
		t.Fatalf("off: %v %d", err, read(id))
	}
	for _, bad := range []int{-1, 366} {
		in.FollowUpDays = days(bad)
		if f := fieldErrors(t, env.Courses.UpdateCourse(ctx, id, in)); f["followup_days"] == "" {
			t.Errorf("%d: %v", bad, f)
		}
		if read(id) != 0 {
			t.Fatalf("a refused edit changed it to %d", read(id))
		}
	}
}
