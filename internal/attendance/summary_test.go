package attendance_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// attendedSession runs a session of courseID with n people who all attend (those given,
// then fresh ones), and submits the register; it returns their bookings.
func (r *rig) attendedSession(t *testing.T, courseID int64, n int, people ...*account.User) []booking.Booking {
	t.Helper()
	start := r.Clock.Now().Add(24 * time.Hour)
	sessionID := r.sessionAt(t, courseID, start, n, r.Trainer.ID)
	bs := make([]booking.Booking, n)
	for i := range bs {
		var u *account.User
		if i < len(people) {
			u = people[i]
		} else {
			u = r.person(t)
		}
		bs[i] = r.book(t, sessionID, u)
	}
	r.Clock.Set(start.Add(time.Hour))
	if _, err := r.Svc.MarkEveryoneAttended(ctx, sessionID, r.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	r.submit(t, sessionID)
	return bs
}

func TestEvaluationAveragesRoundHalfUp(t *testing.T) {
	// Usefulness is 6 - rating for each person, so it rounds the other way.
	cases := []struct {
		ratings    []int
		tenths     int
		shown      string
		usefulness int
	}{
		{[]int{4, 4, 5}, 43, "4.3", 17},    // 4.333; 1.667
		{[]int{4, 5, 5}, 47, "4.7", 13},    // 4.667; 1.333
		{[]int{4, 5}, 45, "4.5", 15},       // exact
		{[]int{1, 1, 1, 2}, 13, "1.3", 48}, // 1.25 rounds up; 4.75 rounds up
		{[]int{1, 2, 2, 2}, 18, "1.8", 43}, // 1.75 rounds up; 4.25 rounds up
		{[]int{3, 3, 3, 4}, 33, "3.3", 28}, // 3.25; 2.75
		{[]int{5}, 50, "5.0", 10},
		{[]int{1, 1, 2}, 13, "1.3", 47}, // 1.333; 4.667
		{[]int{2, 2, 3}, 23, "2.3", 37}, // 2.333; 3.667
		{[]int{1, 2, 2}, 17, "1.7", 43}, // 1.667; 4.333
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.ratings), func(t *testing.T) {
			r := newRig(t)
			courseID := r.courseWith(t, course.CourseInput{RequiresEvaluation: true})
			bs := r.attendedSession(t, courseID, len(tc.ratings))
			for i, b := range bs {
				r.evaluate(t, b, tc.ratings[i], 6-tc.ratings[i], "", "")
			}
			sum, err := r.Svc.EvaluationSummary(ctx, courseID)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Responses != len(tc.ratings) || sum.RatingTenths != tc.tenths || attendance.Average(sum.RatingTenths) != tc.shown {
				t.Errorf("summary %+v (%s), want %d responses averaging %d (%s)", sum, attendance.Average(sum.RatingTenths),
					len(tc.ratings), tc.tenths, tc.shown)
			}
			if sum.UsefulnessTenths != tc.usefulness {
				t.Errorf("usefulness %d, want %d", sum.UsefulnessTenths, tc.usefulness)
			}
			if sum.Attended != len(tc.ratings) {
				t.Errorf("attended %d, want %d", sum.Attended, len(tc.ratings))
			}
		})
	}
}

func TestEvaluationSummary(t *testing.T) {
	r := newRig(t)
	courseID := r.courseWith(t, course.CourseInput{Title: "Child sexual exploitation", RequiresEvaluation: true})
	otherCourse := r.courseWith(t, course.CourseInput{Title: "Other course"})

	// Empty before anyone has answered.
	sum, err := r.Svc.EvaluationSummary(ctx, courseID)
	if err != nil || sum.Responses != 0 || sum.RatingTenths != 0 || sum.UsefulnessTenths != 0 || len(sum.Comments) != 0 ||
		sum.RatingCounts != [6]int{} || sum.CourseID != courseID {
		t.Fatalf("empty summary = %+v, %v", sum, err)
	}

	// Two sessions of the course: 3 + 2 attended; 4 answer. Someone with a distinctive
	// name answers, to show names stay out of the comments.
	named := r.namedUser(t, "Siobhán Nic Aodha", "siobhan@example.org", r.Org.ID, account.Practitioner)
	first := r.attendedSession(t, courseID, 3)
	second := r.attendedSession(t, courseID, 2, named)
	answers := []struct {
		b          booking.Booking
		rating     int
		usefulness int
		doDiff     string
		comments   string
	}{
		{first[0], 4, 3, "Ask about online contacts", ""},
		{first[1], 4, 4, "", "   "}, // whitespace only: no comment
		{second[0], 5, 4, "", "Best course this year"},
		{second[1], 2, 5, "Refer earlier", "Room too cold"},
	}
	for _, a := range answers {
		r.Clock.Advance(time.Hour)
		r.evaluate(t, a.b, a.rating, a.usefulness, a.doDiff, a.comments)
	}
	// Evaluations of another course do not leak in.
	for _, b := range r.attendedSession(t, otherCourse, 2) {
		r.evaluate(t, b, 1, 1, "Other", "Other course comment")
	}

	sum, err = r.Svc.EvaluationSummary(ctx, courseID)
	if err != nil {
		t.Fatal(err)
	}
	// ratings 4,4,5,2 = 3.75 -> 38; usefulness 3,4,4,5 = 4.0 -> 40
	if sum.Responses != 4 || sum.Attended != 5 || sum.RatingTenths != 38 || sum.UsefulnessTenths != 40 {
		t.Errorf("summary %+v", sum)
	}
	if sum.RatingCounts != [6]int{0, 0, 1, 0, 2, 1} {
		t.Errorf("distribution %v, want [0 0 1 0 2 1]", sum.RatingCounts)
	}
	wantComments := []attendance.Comment{ // newest first
		{DoDifferently: "Refer earlier", Comments: "Room too cold"},
		{Comments: "Best course this year"},
		{DoDifferently: "Ask about online contacts"},
	}
	if len(sum.Comments) != len(wantComments) {
		t.Fatalf("comments %+v", sum.Comments)
	}
	for i, w := range wantComments {
		g := sum.Comments[i]
		if g.DoDifferently != w.DoDifferently || g.Comments != w.Comments || g.At.IsZero() {
			t.Errorf("comment %d = %+v, want %+v", i, g, w)
		}
		text := fmt.Sprintf("%+v", g)
		for _, name := range []string{"Person", "Siobhán", "example.org"} {
			if strings.Contains(text, name) {
				t.Errorf("comment %d carries %q: %s", i, name, text)
			}
		}
	}
	other, err := r.Svc.EvaluationSummary(ctx, otherCourse)
	if err != nil || other.Responses != 2 || other.RatingTenths != 10 || len(other.Comments) != 2 {
		t.Errorf("other course summary %+v, %v", other, err)
	}
}

func TestEvaluationSummaryKeepsTheNewestFiftyComments(t *testing.T) {
	r := newRig(t)
	courseID := r.courseWith(t, course.CourseInput{})
	bs := r.attendedSession(t, courseID, 55)
	for i, b := range bs {
		r.Clock.Advance(time.Minute)
		r.evaluate(t, b, 3, 3, "", fmt.Sprintf("comment %02d", i))
	}
	sum, err := r.Svc.EvaluationSummary(ctx, courseID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Responses != 55 || len(sum.Comments) != 50 || sum.Comments[0].Comments != "comment 54" ||
		sum.Comments[49].Comments != "comment 05" {
		t.Errorf("%d responses, %d comments, first %q last %q", sum.Responses, len(sum.Comments),
			sum.Comments[0].Comments, sum.Comments[len(sum.Comments)-1].Comments)
	}
}

func TestAverage(t *testing.T) {
	for tenths, want := range map[int]string{0: "0.0", 10: "1.0", 43: "4.3", 50: "5.0", 7: "0.7"} {
		if got := attendance.Average(tenths); got != want {
			t.Errorf("Average(%d) = %q, want %q", tenths, got, want)
		}
	}
}
