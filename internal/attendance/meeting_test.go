package attendance_test

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/meetingreport"
	"github.com/traininghub/traininghub/internal/problem"
)

// join is one row of a meeting report: who, and from when to when, in minutes after the
// session's start (negative: before it).
type join struct {
	name, email string
	from, to    int
}

// teamsFile writes a Teams attendance report (UTF-16 with a byte order mark, tabs, en-GB
// dates in UK time) with an activity row for every join.
func teamsFile(start time.Time, joins ...join) []byte {
	stamp := func(min int) string {
		return start.Add(time.Duration(min) * time.Minute).In(clock.London).Format("02/01/2006, 15:04:05")
	}
	var b strings.Builder
	b.WriteString("1. Summary\nMeeting title\tOnline session\n\n3. In-Meeting Activities\n")
	b.WriteString("Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n")
	for _, j := range joins {
		d := time.Duration(j.to-j.from) * time.Minute
		b.WriteString(strings.Join([]string{j.name, stamp(j.from), stamp(j.to), d.String(), j.email, "Attendee"}, "\t") + "\r\n")
	}
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(b.String())) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// onlineSession is a three-hour online session of a new course, a week on, led by the
// rig's trainer.
func (r *rig) onlineSession(t *testing.T) (int64, int64, time.Time) {
	t.Helper()
	courseID := r.courseWith(t, course.CourseInput{Title: "Domestic abuse and its impact on children"})
	start := r.Clock.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	id, err := r.Courses.CreateSession(ctx, course.SessionInput{CourseID: courseID, StartsAt: start,
		EndsAt: start.Add(3 * time.Hour), Online: true, OnlineURL: "https://teams.microsoft.com/l/meetup-join/19%3ameeting",
		Capacity: 20, TrainerIDs: []int64{r.Trainer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return courseID, id, start
}

func TestMatchReportByEmailThenByNameWithoutGuessing(t *testing.T) {
	start := time.Date(2027, 1, 11, 9, 30, 0, 0, time.UTC)
	end := start.Add(3 * time.Hour)
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	entries := []attendance.Entry{
		{BookingID: 1, Name: "Zoë Ashworth", Email: "zoe.ashworth@nhs.example"},
		{BookingID: 2, Name: "Marcus Reid", Email: "marcus@home.example"},
		{BookingID: 3, Name: "Siobhán Ó Briain", Email: "siobhan@school.example"},
		{BookingID: 4, Name: "Sam Jones", Email: "sam1@example.org"},
		{BookingID: 5, Name: "Sam Jones", Email: "sam2@example.org"},
		{BookingID: 6, Name: "Priya Patel", Email: "priya@example.org"},
	}
	people := []meetingreport.Attendee{
		// On a laptop by email, and on a phone as a guest at the same time: counted once.
		{Name: "Zoe Ashworth", Email: "ZOE.ASHWORTH@nhs.example", Spans: []meetingreport.Span{{Join: at(-5), Leave: at(175)}}},
		{Name: "Zoe Ashworth", Spans: []meetingreport.Span{{Join: at(30), Leave: at(60)}}},
		// Marcus's name, written surname first, but another email: maybe him on another
		// account, maybe a namesake. Shown as possible; no mark is proposed.
		{Name: "Reid, Marcus", Email: "m.reid@police.example", Spans: []meetingreport.Span{{Join: at(0), Leave: at(90)}}},
		{Name: "SIOBHAN O'BRIAIN", Spans: []meetingreport.Span{{Join: at(0), Leave: at(150)}}},
		{Name: "Sam Jones", Spans: []meetingreport.Span{{Join: at(0), Leave: at(180)}}},
		{Name: "Alex Trainer", Email: "alex@lscp.example", Role: "Organizer", Spans: []meetingreport.Span{{Join: at(-20), Leave: at(185)}}},
	}
	matched, unmatched := attendance.MatchReport(entries, people, start, end, attendance.DefaultOnlineRule)
	want := map[int64]struct {
		by      string
		minutes int
		mark    attendance.Mark
	}{
		1: {"email", 175, attendance.Attended}, // 97%
		2: {"", 0, ""},
		3: {"name", 150, attendance.Attended}, // 83%
		4: {"", 0, attendance.Absent},
		5: {"", 0, attendance.Absent},
		6: {"", 0, attendance.Absent},
	}
	for _, m := range matched {
		w := want[m.Entry.BookingID]
		if m.By != w.by || m.Minutes != w.minutes || m.Proposed != w.mark {
			t.Errorf("%s: by %q, %d minutes, %s; want by %q, %d, %s", m.Entry.Name, m.By, m.Minutes, m.Proposed, w.by, w.minutes, w.mark)
		}
	}
	if p := matched[1].Possible; p == nil || p.Minutes != 90 || p.Email != "m.reid@police.example" {
		t.Errorf("Marcus's possible match: %+v", p)
	}
	if len(unmatched) != 3 {
		t.Fatalf("unmatched: %+v", unmatched)
	}
	reasons := map[string]string{}
	for _, u := range unmatched {
		reasons[u.Name] = u.Reason
	}
	if reasons["Sam Jones"] != attendance.NameIsShared || reasons["Alex Trainer"] != attendance.NotBooked ||
		reasons["Reid, Marcus"] != attendance.OtherEmail {
		t.Errorf("reasons: %v", reasons)
	}
}

func TestOnlineRuleProposes(t *testing.T) {
	hour := time.Hour
	rule := attendance.OnlineRule{AttendedPercent: 90, PartialPercent: 25}
	cases := []struct {
		in   time.Duration
		want attendance.Mark
	}{{0, attendance.Absent}, {10 * time.Minute, attendance.Absent}, {15 * time.Minute, attendance.Partial},
		{53 * time.Minute, attendance.Partial}, {54 * time.Minute, attendance.Attended}, {hour, attendance.Attended}}
	for _, c := range cases {
		if got := rule.Propose(c.in, hour); got != c.want {
			t.Errorf("%v of an hour: %s, want %s", c.in, got, c.want)
		}
	}
	if got := attendance.DefaultOnlineRule.Propose(time.Minute, hour); got != attendance.Partial {
		t.Errorf("default rule: a minute is %s, want partly attended", got)
	}
}

func TestOnlineRuleFormIsChecked(t *testing.T) {
	bad := map[[2]string]string{
		{"", "0"}:     "attended_percent",
		{"0", "0"}:    "attended_percent",
		{"101", "0"}:  "attended_percent",
		{"80", "80"}:  "partial_percent",
		{"80", "-1"}:  "partial_percent",
		{"80", "ten"}: "partial_percent",
	}
	for in, field := range bad {
		_, err := attendance.ParseOnlineRule(in[0], in[1])
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Fields[field] == "" {
			t.Errorf("%v: got %v, want an error on %s", in, err, field)
		}
	}
	if r, err := attendance.ParseOnlineRule(" 75 ", ""); err != nil || r != (attendance.OnlineRule{AttendedPercent: 75}) {
		t.Errorf("75 and blank: %+v %v", r, err)
	}
}

func TestReportPreviewProposesAndSavesNothing(t *testing.T) {
	r := newRig(t)
	courseID, sessionID, start := r.onlineSession(t)
	zoe := r.namedUser(t, "Zoë Ashworth", "zoe.ashworth@nhs.example", r.Org.ID, account.Practitioner)
	marcus := r.namedUser(t, "Marcus Reid", "marcus@home.example", r.Org.ID, account.Practitioner)
	priya := r.namedUser(t, "Priya Patel", "priya.patel@example.org", r.Org.ID, account.Practitioner)
	bz, bm, bp := r.book(t, sessionID, zoe), r.book(t, sessionID, marcus), r.book(t, sessionID, priya)
	file := teamsFile(start,
		join{"Zoë Ashworth", "zoe.ashworth@nhs.example", -3, 100},
		join{"Zoë Ashworth", "zoe.ashworth@nhs.example", 110, 182},
		join{"Marcus Reid (Guest)", "", 0, 60},
		join{"Alex Trainer", "alex@lscp.example", -15, 185},
		join{"Priya Shah", "priya@example.org", -20, 190}) // the session's trainer

	r.Clock.Set(start.Add(-time.Minute))
	if _, err := r.Svc.PreviewReport(ctx, sessionID, file); !errors.Is(err, attendance.ErrNotStarted) {
		t.Fatalf("before the start: %v", err)
	}
	r.Clock.Set(start.Add(3*time.Hour + 10*time.Minute))
	before := r.count(t, `SELECT count(*) FROM attendance_history`)
	p, err := r.Svc.PreviewReport(ctx, sessionID, file)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != meetingreport.Teams || p.SessionMinutes != 180 || p.InReport() != 2 || len(p.Unmatched) != 2 {
		t.Fatalf("preview: %+v", p)
	}
	reasons := map[string]string{}
	for _, u := range p.Unmatched {
		reasons[u.Name] = u.Reason
	}
	if reasons["Priya Shah"] != attendance.IsTrainer || reasons["Alex Trainer"] != attendance.NotBooked {
		t.Fatalf("unmatched: %v", reasons)
	}
	proposed := map[int64]attendance.Mark{}
	for _, m := range p.Matched {
		proposed[m.Entry.BookingID] = m.Proposed
	}
	// Zoë: 170 of 180 minutes; Marcus: 60; Priya: not there.
	if proposed[bz.ID] != attendance.Attended || proposed[bm.ID] != attendance.Partial || proposed[bp.ID] != attendance.Absent {
		t.Fatalf("proposed: %v", proposed)
	}
	if after := r.count(t, `SELECT count(*) FROM attendance_history`); after != before || r.attendanceOf(t, bz.ID) != "" {
		t.Fatal("the preview saved something")
	}

	// A stricter rule for the course proposes differently.
	if err := r.Svc.SetOnlineRule(ctx, courseID, attendance.OnlineRule{AttendedPercent: 95, PartialPercent: 50}, r.Admin.ID); err != nil {
		t.Fatal(err)
	}
	p, err = r.Svc.PreviewReport(ctx, sessionID, file)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range p.Matched {
		proposed[m.Entry.BookingID] = m.Proposed
	}
	if proposed[bz.ID] != attendance.Partial || proposed[bm.ID] != attendance.Absent {
		t.Fatalf("under 95%%/50%%: %v", proposed)
	}

	// Confirming is the register's own save: each change is in the history.
	if _, err := r.Svc.SetMarks(ctx, sessionID, proposed, r.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	if r.markHistory(t, bz.ID) != 1 || r.markHistory(t, bp.ID) != 1 || r.attendanceOf(t, bm.ID) != attendance.Absent {
		t.Fatal("confirmed marks not recorded in the history")
	}

	r.submit(t, sessionID)
	if _, err := r.Svc.PreviewReport(ctx, sessionID, file); !errors.Is(err, attendance.ErrRegisterLocked) {
		t.Fatalf("after submitting: %v", err)
	}
}

func TestReportRefusals(t *testing.T) {
	r := newRig(t)
	_, online, start := r.onlineSession(t)
	room, roomStart := r.session(t, 10)
	r.Clock.Set(start.Add(4 * time.Hour))
	if roomStart.After(r.Clock.Now()) {
		r.Clock.Set(roomStart.Add(4 * time.Hour))
	}
	if _, err := r.Svc.PreviewReport(ctx, room, teamsFile(roomStart, join{"A", "a@example.org", 0, 10})); !errors.Is(err, attendance.ErrNotOnline) {
		t.Errorf("a session in a room: %v", err)
	}
	for name, data := range map[string][]byte{"empty": nil, "not a report": []byte("%PDF-1.7\n%\xe2\xe3")} {
		_, err := r.Svc.PreviewReport(ctx, online, data)
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Fields["report"] == "" {
			t.Errorf("%s: got %v, want an error on the file", name, err)
		}
	}
	if _, err := r.Svc.PreviewReport(ctx, 9999, teamsFile(start)); err == nil {
		t.Error("a session that does not exist was read")
	}
}
