package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
)

// onlineSession adds a three-hour online session of the fixture's course, starting with
// the register fixture's sessions, delivered by trainerID.
func (f *regFixture) onlineSession(t *testing.T, trainerID int64) int64 {
	t.Helper()
	id, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: f.CourseID, StartsAt: f.Starts, EndsAt: f.Starts.Add(3 * time.Hour), Online: true,
		OnlineURL: "https://teams.microsoft.com/l/meetup-join/19%3ameeting", Capacity: 10, TrainerIDs: []int64{trainerID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// teamsUpload is a Teams attendance report (UTF-16, tabs, en-GB dates in UK time) of
// joins given as name, email and minutes after the start.
func teamsUpload(start time.Time, joins ...[4]string) []byte {
	stamp := func(m string) string {
		d, _ := time.ParseDuration(m + "m")
		return start.Add(d).In(clock.London).Format("02/01/2006, 15:04:05")
	}
	var b strings.Builder
	b.WriteString("1. Summary\r\nMeeting title\tSafeguarding level 2\r\n3. In-Meeting Activities\r\n")
	b.WriteString("Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\r\n")
	for _, j := range joins {
		b.WriteString(j[0] + "\t" + stamp(j[2]) + "\t" + stamp(j[3]) + "\t\t" + j[1] + "\tAttendee\r\n")
	}
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(b.String())) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// upload posts a file to the report form as a browser does.
func (f *fixture) upload(t *testing.T, c *http.Client, path, filename string, data []byte) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if filename != "" {
		part, _ := w.CreateFormFile("report", filename)
		part.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, f.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return do(t, c, req)
}

var proposedRE = regexp.MustCompile(`name="(mark-\d+)" value="(\w+)" checked`)

// checkedMarks reads the radios a page has chosen.
func checkedMarks(body string) url.Values {
	v := url.Values{}
	for _, m := range proposedRE.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

func TestTrainerFillsTheRegisterFromATeamsReport(t *testing.T) {
	f := newRegFixture(t)
	online := f.onlineSession(t, f.Trainer.ID)
	pat, sean := f.book(t, online, f.Pract.ID).ID, f.book(t, online, f.Sean.ID).ID
	wendy := f.book(t, online, f.Waiter.ID).ID
	tom := f.signedIn(t, "tom@example.org")
	reportURL := f.registerURL(online) + "/report"
	file := teamsUpload(f.Starts,
		[4]string{"Pat Example", "pat@example.org", "-5", "100"},
		[4]string{"Pat Example", "pat@example.org", "110", "185"},
		[4]string{"SEAN O BRIAIN (Guest)", "", "0", "45"},
		[4]string{"Wendy Waite (External)", "wendy@othercouncil.example", "0", "180"},
		[4]string{"Tom Trainer", "tom@example.org", "-10", "190"})

	f.start()
	page := f.get(t, tom, f.registerURL(online))
	mustContain(t, page.Body, `href="`+reportURL+`"`)
	regWant(t, f.get(t, tom, reportURL), http.StatusOK, "the upload page")

	before := f.countWhere(t, `SELECT count(*) FROM attendance_history`)
	r := f.upload(t, tom, reportURL, "Safeguarding level 2 - Attendance report 11-01-27.csv", file)
	regWant(t, r, http.StatusOK, "reading the report")
	mustContain(t, r.Body, "Check the marks from the Microsoft Teams report", "Nothing is saved yet",
		"2 of 3 people on the register", "In the meeting for 170 minutes (found by email)",
		"In the meeting for 45 minutes (found by name)", "Tom Trainer", "A trainer of this session",
		"Perhaps in the meeting as &ldquo;Wendy Waite&rdquo; (wendy@othercouncil.example) for 180 minutes")
	chosen := checkedMarks(r.Body)
	if chosen.Get("mark-"+id(pat)) != "attended" || chosen.Get("mark-"+id(sean)) != "partial" || chosen.Has("mark-"+id(wendy)) {
		t.Fatalf("proposed marks: %v", chosen)
	}
	if f.countWhere(t, `SELECT count(*) FROM attendance_history`) != before || f.mark(t, pat) != "" {
		t.Fatal("reading the report saved marks")
	}

	// The trainer changes Seán's mark, then saves: the register's own save.
	chosen.Set("mark-"+id(sean), "absent")
	chosen.Set("action", "save")
	done := f.follow(t, tom, f.post(t, tom, f.registerURL(online), chosen))
	mustContain(t, done.Body, "Attendance saved for 2 people")
	if f.mark(t, pat) != "attended" || f.mark(t, sean) != "absent" {
		t.Fatalf("saved: pat %q sean %q", f.mark(t, pat), f.mark(t, sean))
	}
	if h := f.historyOf(t, sean); len(h) == 0 || h[len(h)-1].To != "absent" || h[len(h)-1].ActorID != f.Trainer.ID {
		t.Fatalf("Seán's history: %+v", h)
	}
}

func TestReportUploadRefusals(t *testing.T) {
	f := newRegFixture(t)
	online := f.onlineSession(t, f.Trainer.ID)
	f.book(t, online, f.Pract.ID)
	tom := f.signedIn(t, "tom@example.org")
	reportURL := f.registerURL(online) + "/report"

	// Before the session starts.
	r := f.upload(t, tom, reportURL, "report.csv", teamsUpload(f.Starts, [4]string{"Pat", "pat@example.org", "0", "180"}))
	regWant(t, r, http.StatusUnprocessableEntity, "before the start")
	mustContain(t, r.Body, "once the session has started")

	f.start()
	cases := map[string]struct {
		name string
		data []byte
		want string
	}{
		"no file":       {"", nil, "Choose the attendance report file to upload"},
		"a spreadsheet": {"people.csv", []byte("Course,Date\nCSE,2027-01-11\n"), "This is not a Microsoft Teams or Zoom attendance report"},
		"an empty file": {"report.csv", []byte{}, "The file is empty"},
		"a huge file":   {"report.csv", bytes.Repeat([]byte("a,b,c\n"), 1<<20), "larger than 4 MB"},
	}
	for what, c := range cases {
		r := f.upload(t, tom, reportURL, c.name, c.data)
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d", what, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", c.want)
	}

	// An online session has no check-in screen: a code on a shared screen reaches everyone.
	r = f.get(t, tom, f.registerURL(online)[:len(f.registerURL(online))-len("/register")]+"/check-in")
	regWant(t, r, http.StatusUnprocessableEntity, "check-in for an online session")
	mustContain(t, r.Body, "Check-in is for sessions at a venue")

	// A session in a room has no report page, and another trainer's session is not found.
	regWant(t, f.get(t, tom, f.registerURL(f.Mine)+"/report"), http.StatusUnprocessableEntity, "a session in a room")
	tia := f.signedIn(t, "tia@example.org")
	regWant(t, f.get(t, tia, reportURL), http.StatusNotFound, "another trainer")
	regWant(t, f.upload(t, tia, reportURL, "report.csv", teamsUpload(f.Starts)), http.StatusNotFound, "another trainer's upload")
}

func TestAdminSetsACoursesOnlineRule(t *testing.T) {
	f := newRegFixture(t)
	online := f.onlineSession(t, f.Trainer.ID)
	pat := f.book(t, online, f.Pract.ID).ID
	ada := f.signedIn(t, "ada@example.org")
	ruleURL := "/admin/courses/" + id(f.CourseID) + "/online-rule"

	page := f.get(t, ada, ruleURL)
	regWant(t, page, http.StatusOK, "the rule page")
	mustContain(t, page.Body, `value="80"`)

	r := f.post(t, ada, ruleURL, url.Values{"attended_percent": {"95"}, "partial_percent": {"95"}})
	regWant(t, r, http.StatusUnprocessableEntity, "partly above attended")
	mustContain(t, r.Body, `href="#partial_percent"`, "must be less than the share for attended", `value="95"`)
	if f.countWhere(t, `SELECT count(*) FROM course_online_rules`) != 0 {
		t.Fatal("a refused rule was saved")
	}
	done := f.follow(t, ada, f.post(t, ada, ruleURL, url.Values{"attended_percent": {"95"}, "partial_percent": {"50"}}))
	mustContain(t, done.Body, "Online attendance rule saved")

	// 170 of 180 minutes is 94%: under this course's rule, partly attended.
	f.start()
	r = f.upload(t, ada, f.registerURL(online)+"/report", "report.csv", teamsUpload(f.Starts,
		[4]string{"Pat Example", "pat@example.org", "10", "180"}))
	regWant(t, r, http.StatusOK, "reading under the new rule")
	if got := checkedMarks(r.Body).Get("mark-" + id(pat)); got != "partial" {
		t.Fatalf("proposed %q", got)
	}
	mustContain(t, r.Body, "At least 95% of the session is attended; at least 50% is partly attended.")
}

// meetingReportPaths gives the report and rule pages an address for the page-wide tests:
// an online session of the fixture's course, which admins may open.
func (f *fixture) meetingReportPaths(t *testing.T) map[string]string {
	t.Helper()
	start := f.Clock.Now().Add(48 * time.Hour)
	s, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: f.CourseID, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Online: true,
		OnlineURL: "https://zoom.us/j/123456789", Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"/trainer/sessions/:id/register/report": "/trainer/sessions/" + id(s) + "/register/report",
		"/admin/courses/:id/online-rule":        "/admin/courses/" + id(f.CourseID) + "/online-rule",
	}
}
