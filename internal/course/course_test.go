package course_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// fieldErrors asserts err is a 422 validation error and returns its fields.
func fieldErrors(t *testing.T, err error) map[string]string {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v, want a validation problem", err)
	}
	if pe.Status != 422 || pe.Code != "validation_failed" {
		t.Fatalf("problem = %d %s, want 422 validation_failed", pe.Status, pe.Code)
	}
	return pe.Fields
}

func countRows(t *testing.T, env *testkit.Env, table string) int {
	t.Helper()
	var n int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func goodCourse() course.CourseInput {
	return course.CourseInput{
		Title: "Child sexual exploitation awareness", Summary: "Spotting the signs", DurationMinutes: 180,
		Status: course.Published, Topics: []string{"CSE"},
	}
}

func TestCourseValidation(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*course.CourseInput)
		field   string
		message string
	}{
		{"empty title", func(c *course.CourseInput) { c.Title = "" }, "title", "Enter the course title"},
		{"blank title", func(c *course.CourseInput) { c.Title = " \t " }, "title", "Enter the course title"},
		{"long title", func(c *course.CourseInput) { c.Title = strings.Repeat("x", 201) }, "title", "Title must be 200 characters or fewer"},
		{"long summary", func(c *course.CourseInput) { c.Summary = strings.Repeat("x", 501) }, "summary", "Summary must be 500 characters or fewer"},
		{"long description", func(c *course.CourseInput) { c.Description = strings.Repeat("x", 20001) }, "description", "Description must be 20,000 characters or fewer"},
		{"duration 0", func(c *course.CourseInput) { c.DurationMinutes = 0 }, "duration_minutes", "Enter a duration between 15 minutes and 5 days, in minutes"},
		{"duration negative", func(c *course.CourseInput) { c.DurationMinutes = -30 }, "duration_minutes", "Enter a duration between 15 minutes and 5 days, in minutes"},
		{"duration 14", func(c *course.CourseInput) { c.DurationMinutes = 14 }, "duration_minutes", "Enter a duration between 15 minutes and 5 days, in minutes"},
		{"duration over 5 days", func(c *course.CourseInput) { c.DurationMinutes = 5*24*60 + 1 }, "duration_minutes", "Enter a duration between 15 minutes and 5 days, in minutes"},
		{"validity negative", func(c *course.CourseInput) { c.ValidityMonths = -1 }, "validity_months", "Enter how many months the training stays current (0 to 120; 0 means it never expires)"},
		{"validity too long", func(c *course.CourseInput) { c.ValidityMonths = 121 }, "validity_months", "Enter how many months the training stays current (0 to 120; 0 means it never expires)"},
		{"bad status", func(c *course.CourseInput) { c.Status = "live" }, "status", "Choose draft, published or archived"},
		{"long topic", func(c *course.CourseInput) { c.Topics = []string{strings.Repeat("t", 81)} }, "topics", "Each topic must be 80 characters or fewer"},
		{"unknown provider", func(c *course.CourseInput) { c.ProviderID = 9999 }, "provider_id", "Choose an organisation that exists"},
		{"pipe in topic", func(c *course.CourseInput) { c.Topics = []string{"Exploitation|CSE"} }, "topics", "Topics cannot contain the | character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testkit.New(t)
			ctx := context.Background()
			existing := env.Course(t, "Existing")
			in := goodCourse()
			tc.edit(&in)

			_, err := env.Courses.CreateCourse(ctx, in)
			fields := fieldErrors(t, err)
			if len(fields) != 1 || fields[tc.field] != tc.message {
				t.Errorf("create: fields = %v, want only %s: %q", fields, tc.field, tc.message)
			}
			if n := countRows(t, env, "courses"); n != 1 {
				t.Errorf("%d courses after a refused create, want 1", n)
			}

			before, _ := env.Courses.Course(ctx, existing)
			fields = fieldErrors(t, env.Courses.UpdateCourse(ctx, existing, in))
			if fields[tc.field] != tc.message {
				t.Errorf("update: fields = %v", fields)
			}
			after, _ := env.Courses.Course(ctx, existing)
			if !equalCourse(before, after) {
				t.Errorf("refused update changed the course: %+v -> %+v", before, after)
			}
		})
	}
}

func equalCourse(a, b course.Course) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Summary == b.Summary && a.DurationMinutes == b.DurationMinutes &&
		a.Status == b.Status && a.ValidityMonths == b.ValidityMonths && slices.Equal(a.Topics, b.Topics)
}

// Limits count characters, not bytes: accented names must not halve them.
func TestCourseLimitsCountCharacters(t *testing.T) {
	env := testkit.New(t)
	in := goodCourse()
	in.Title = strings.Repeat("Ó", 200)
	in.Summary = strings.Repeat("é", 500)
	in.Topics = []string{strings.Repeat("â", 80)}
	id, err := env.Courses.CreateCourse(context.Background(), in)
	if err != nil {
		t.Fatalf("200-character title, 500-character summary, 80-character topic: %v", err)
	}
	got, err := env.Courses.Course(context.Background(), id)
	if err != nil || got.Title != in.Title || !slices.Equal(got.Topics, in.Topics) {
		t.Errorf("stored %+v, %v", got, err)
	}
}

func TestCourseValidationReportsEveryField(t *testing.T) {
	env := testkit.New(t)
	_, err := env.Courses.CreateCourse(context.Background(), course.CourseInput{Status: "nope", ValidityMonths: -3})
	fields := fieldErrors(t, err)
	for _, f := range []string{"title", "duration_minutes", "status", "validity_months"} {
		if fields[f] == "" {
			t.Errorf("no message for %s in %v", f, fields)
		}
	}
}

func TestCreateAndUpdateCourse(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	partner := env.Org(t, "Unseen UK", account.TrainingPartner)
	id, err := env.Courses.CreateCourse(ctx, course.CourseInput{
		Title: "  Modern slavery and human trafficking  ", Summary: " Recognise and respond ", Description: "Long text",
		Audience: "Level 2", DurationMinutes: 210, ProviderID: partner.ID, ValidityMonths: 36,
		Topics: []string{"Modern slavery", " Exploitation ", "", "modern slavery", "Exploitation"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := env.Courses.Course(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := course.Course{ID: id, Title: "Modern slavery and human trafficking", Summary: "Recognise and respond",
		Description: "Long text", Audience: "Level 2", DurationMinutes: 210, ProviderID: partner.ID, ProviderName: "Unseen UK",
		ValidityMonths: 36, Status: course.Draft, Topics: []string{"Exploitation", "Modern slavery"}}
	if !equalCourse(c, want) || c.ProviderName != want.ProviderName || c.Description != want.Description || c.Audience != want.Audience {
		t.Errorf("course = %+v\nwant     %+v", c, want)
	}
	if c.Duration() != "3 hours 30 minutes" {
		t.Errorf("Duration = %q", c.Duration())
	}

	// Update replaces everything, including topics; no provider and no validity are stored as none.
	err = env.Courses.UpdateCourse(ctx, id, course.CourseInput{Title: "Modern slavery", DurationMinutes: 60,
		Status: course.Published, Topics: []string{"Trafficking"}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = env.Courses.Course(ctx, id)
	if c.Title != "Modern slavery" || c.ProviderID != 0 || c.ProviderName != "" || c.ValidityMonths != 0 ||
		c.Status != course.Published || !slices.Equal(c.Topics, []string{"Trafficking"}) {
		t.Errorf("after update = %+v", c)
	}

	err = env.Courses.UpdateCourse(ctx, 424242, goodCourse())
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of unknown course = %v, want not found", err)
	}
	if _, err := env.Courses.Course(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Course(unknown) = %v, want not found", err)
	}
}

func TestCoursesAndTopics(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	env.Course(t, "whistleblowing", "Whistleblowing", "Safeguarding")
	env.Course(t, "Early help assessment", "Early help")
	in := goodCourse()
	in.Title, in.Status, in.Topics = "Draft course", course.Draft, []string{"Secret topic"}
	if _, err := env.Courses.CreateCourse(ctx, in); err != nil {
		t.Fatal(err)
	}
	all, err := env.Courses.Courses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range all {
		titles = append(titles, c.Title)
	}
	if want := []string{"Draft course", "Early help assessment", "whistleblowing"}; !slices.Equal(titles, want) {
		t.Errorf("Courses = %v, want %v (every status, by title ignoring case)", titles, want)
	}
	topics, err := env.Courses.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Early help", "Safeguarding", "Whistleblowing"}; !slices.Equal(topics, want) {
		t.Errorf("Topics = %v, want %v (published courses only)", topics, want)
	}
}

func TestHumanDuration(t *testing.T) {
	for _, tc := range []struct {
		minutes int
		want    string
	}{
		{15, "15 minutes"},
		{45, "45 minutes"},
		{60, "1 hour"},
		{61, "1 hour 1 minute"},
		{90, "1 hour 30 minutes"},
		{120, "2 hours"},
		{181, "3 hours 1 minute"},
		{210, "3 hours 30 minutes"},
		{1, "1 minute"},
		{7200, "120 hours"},
	} {
		if got := course.HumanDuration(tc.minutes); got != tc.want {
			t.Errorf("HumanDuration(%d) = %q, want %q", tc.minutes, got, tc.want)
		}
	}
}

// TestEditingKeepsApproval: an admin editing a partner's course awaiting approval does not
// approve it by saving the form; only an explicit approval does.
func TestEditingKeepsApproval(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	in := course.CourseInput{Title: "Modern slavery awareness", DurationMinutes: 120, Status: course.Published,
		Approval: course.Pending}
	id, err := env.Courses.CreateCourse(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Approval = "" // the admin form does not carry approval
	in.Summary = "Edited by an admin"
	if err := env.Courses.UpdateCourse(ctx, id, in); err != nil {
		t.Fatal(err)
	}
	c, err := env.Courses.Course(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Approval != course.Pending || c.Summary != "Edited by an admin" {
		t.Fatalf("after an edit: approval %q, summary %q; want pending and the edit saved", c.Approval, c.Summary)
	}
	plain, err := env.Courses.CreateCourse(ctx, course.CourseInput{Title: "Early help", DurationMinutes: 60})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := env.Courses.Course(ctx, plain); c.Approval != course.Approved {
		t.Fatalf("a course created without an approval state is %q, want approved", c.Approval)
	}
}
