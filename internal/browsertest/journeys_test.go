package browsertest

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// stepTimeout bounds any one step of a journey: finding an element, clicking it and
// waiting for the page it leads to.
const stepTimeout = 30 * time.Second

// A journey is one person using the site through one browser page, as they would: it
// follows links and presses buttons, types into fields, and checks every page it arrives
// on (axe-core, and no sideways scrolling at any width, 320 px included).
type journey struct {
	t     *testing.T
	b     *Browser
	s     *Site
	p     *rod.Page
	vp    Viewport
	touch bool // tap rather than click
	n     int  // pages checked so far
}

func newJourney(t *testing.T, vp Viewport) *journey {
	t.Helper()
	b, _ := rig(t)
	// Each journey changes what it touches (a register is locked, two accounts merged), so
	// each has a demo site of its own, seeded afresh: journeys run alone or in any order,
	// and the page walk in pages_test.go sees the demo as seeded.
	s, err := StartDemo(t.TempDir())
	if err != nil {
		t.Fatalf("browser journey: %v", err)
	}
	t.Cleanup(s.Close)
	p, err := b.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	j := &journey{t: t, b: b, s: s, p: p, vp: vp}
	j.viewport()
	if vp.Mobile {
		j.touch = true
		if err := (proto.EmulationSetTouchEmulationEnabled{Enabled: true, MaxTouchPoints: intPtr(5)}).Call(p); err != nil {
			t.Fatal(err)
		}
	}
	return j
}

func intPtr(n int) *int { return &n }

func (j *journey) viewport() {
	j.t.Helper()
	if err := SetViewport(j.p, j.vp); err != nil {
		j.t.Fatal(err)
	}
}

// path is the address of the page the browser is on, from its path.
func (j *journey) path() string {
	j.t.Helper()
	info, err := j.p.Info()
	if err != nil {
		j.t.Fatal(err)
	}
	u, err := url.Parse(info.URL)
	if err != nil {
		j.t.Fatal(err)
	}
	return u.RequestURI()
}

// start opens the journey's first page by its address, as someone following a bookmark.
func (j *journey) start(path string) {
	j.t.Helper()
	if err := Visit(j.p.Timeout(stepTimeout), j.s.URL+path); err != nil {
		j.t.Fatalf("open %s: %v", path, err)
	}
	j.arrived()
}

// arrived checks the page the browser has just reached: it answered without a server or
// permission error, and passes checkPage (axe-core at 1280 and 320 px; no sideways
// scrolling at 1280 px, at 200% zoom, at 390 and at 320 px). Then the window goes back to
// the journey's size.
func (j *journey) arrived() {
	j.t.Helper()
	path := j.path()
	status, err := j.p.Eval(`() => performance.getEntriesByType('navigation')[0].responseStatus`)
	if err != nil {
		j.t.Fatal(err)
	}
	if code := status.Value.Int(); code >= 500 || code == 404 || code == 403 || code == 401 {
		j.t.Fatalf("%s answered %d: %s", path, code, j.text("main"))
	}
	j.n++
	j.t.Run(fmt.Sprintf("%02d %s", j.n, pattern(strings.SplitN(path, "?", 2)[0])), func(t *testing.T) {
		checkPage(t, j.b, j.p, path)
	})
	j.viewport()
}

// find returns the first element matching css whose text (hidden text included) matches
// the regular expression text, failing the journey if there is none.
func (j *journey) find(css, text string) *rod.Element {
	j.t.Helper()
	el := j.maybe(css, text)
	if el == nil {
		j.t.Fatalf("%s: nothing matching %s with text %q", j.path(), css, text)
	}
	return el
}

// maybe is find that returns nil when there is no such element.
func (j *journey) maybe(css, text string) *rod.Element {
	j.t.Helper()
	els, err := j.p.Timeout(stepTimeout).Elements(css)
	if err != nil {
		j.t.Fatalf("%s: %s: %v", j.path(), css, err)
	}
	re := regexp.MustCompile(text)
	for _, el := range els {
		res, err := el.Eval(`() => this.textContent.trim().replace(/\s+/g, ' ')`)
		if err != nil {
			j.t.Fatal(err)
		}
		if re.MatchString(res.Value.Str()) {
			return el.CancelTimeout()
		}
	}
	return nil
}

// text is the visible text of the first element matching css, spaces squeezed.
func (j *journey) text(css string) string {
	j.t.Helper()
	res, err := j.p.Eval(`(css) => { const e = document.querySelector(css); return e ? e.innerText.trim().replace(/\s+/g, ' ') : ''; }`, css)
	if err != nil {
		j.t.Fatal(err)
	}
	return res.Value.Str()
}

// textOf is the visible text of el, spaces squeezed.
func (j *journey) textOf(el *rod.Element) string {
	j.t.Helper()
	s, err := el.Text()
	if err != nil {
		j.t.Fatal(err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// attr is an attribute of el ("" when it has none).
func (j *journey) attr(el *rod.Element, name string) string {
	j.t.Helper()
	v, err := el.Attribute(name)
	if err != nil {
		j.t.Fatal(err)
	}
	if v == nil {
		return ""
	}
	return *v
}

// press clicks (or taps) el, without waiting for anything.
func (j *journey) press(el *rod.Element) {
	j.t.Helper()
	el = el.Timeout(stepTimeout)
	var err error
	if j.touch {
		err = el.Tap()
	} else {
		err = el.Click(proto.InputMouseButtonLeft, 1)
	}
	if err != nil {
		j.t.Fatalf("%s: press: %v", j.path(), err)
	}
}

// go_ presses el, waits for the page it leads to, and checks that page.
func (j *journey) go_(el *rod.Element) {
	j.t.Helper()
	from := j.path()
	wait := j.p.Timeout(stepTimeout).WaitNavigation(proto.PageLifecycleEventNameLoad)
	j.press(el)
	wait()
	if err := j.p.Timeout(stepTimeout).WaitLoad(); err != nil {
		j.t.Fatalf("after pressing a control on %s: %v", from, err)
	}
	j.arrived()
}

// follow presses the first link or button matching css and text, and checks where it
// leads.
func (j *journey) follow(css, text string) {
	j.t.Helper()
	j.go_(j.find(css, text))
}

// fill types value into the field matching css in place of what it held, as someone
// selecting its text and typing over it.
func (j *journey) fill(css, value string) {
	j.t.Helper()
	el := j.find(css, "").Timeout(stepTimeout)
	if err := el.SelectAllText(); err != nil {
		j.t.Fatalf("%s: select the text of %s: %v", j.path(), css, err)
	}
	if err := el.Input(value); err != nil {
		j.t.Fatalf("%s: type into %s: %v", j.path(), css, err)
	}
}

// choose picks the option whose visible text matches text in the select matching css.
func (j *journey) choose(css, text string) {
	j.t.Helper()
	el := j.find(css, "")
	if err := el.Timeout(stepTimeout).Select([]string{text}, true, rod.SelectorTypeRegex); err != nil {
		j.t.Fatalf("%s: choose %q in %s: %v", j.path(), text, css, err)
	}
}

// expect fails the journey unless the text of the element matching css matches want.
func (j *journey) expect(css, want string) string {
	j.t.Helper()
	got := j.text(css)
	if !regexp.MustCompile(want).MatchString(got) {
		j.t.Fatalf("%s: %s says %q; want it to match %q", j.path(), css, got, want)
	}
	return got
}

// expectPath fails the journey unless the browser is on a page whose path matches want,
// and returns the path's submatches.
func (j *journey) expectPath(want string) []string {
	j.t.Helper()
	path := j.path()
	m := regexp.MustCompile(`^` + want + `$`).FindStringSubmatch(strings.SplitN(path, "?", 2)[0])
	if m == nil {
		j.t.Fatalf("on %s (%s; %s); want %s", path, j.text("h1"), j.text(".error-summary"), want)
	}
	return m
}

// signIn signs in through the header's "Sign in" link and the sign-in form.
func (j *journey) signIn(email, password string) {
	j.t.Helper()
	j.follow(`.header__user a[href^="/login"]`, `^Sign in$`)
	j.fill("#email", email)
	j.fill("#password", password)
	j.follow(`main form[action="/login"] button[type="submit"]`, `^Sign in$`)
	if strings.HasPrefix(j.path(), "/login") {
		j.t.Fatalf("still on the sign-in page after signing in as %s: %s", email, j.text("main"))
	}
}

// demoLogin is the demo's sign-in for role.
func (j *journey) demoLogin(role account.Role) (string, string) {
	j.t.Helper()
	l, ok := j.s.Login(role)
	if !ok {
		j.t.Fatalf("the demo has no %s sign-in", role)
	}
	return l.Email, l.Password
}

// confirmToken mints the newest confirmation email's link to address, as the worker does
// when it sends it.
func (j *journey) confirmToken(address string) string {
	j.t.Helper()
	return testkit.ConfirmLink(j.t, j.s.db, func() time.Time { return DemoNow }, address)
}

// id parses a path segment captured by expectPath.
func (j *journey) id(s string) int64 {
	j.t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		j.t.Fatal(err)
	}
	return n
}

// TestJourneyPractitioner: someone new opens a course, registers on the way to booking,
// books, downloads the calendar event, joins the waiting list of the full session,
// cancels the first booking; then the demo practitioner downloads a certificate.
func TestJourneyPractitioner(t *testing.T) {
	j := newJourney(t, Desktop)
	j.start("/courses")
	j.follow(`main a[href^="/courses/"]`, `^Modern slavery and human trafficking awareness$`)
	course := j.expectPath(`/courses/([0-9]+)`)[0]

	signIn := j.find(`main a[href^="/login?next=/sessions/"]`, `^Sign in to book`)
	session := regexp.MustCompile(`/sessions/([0-9]+)/book$`).FindStringSubmatch(j.attr(signIn, "href"))
	if session == nil {
		t.Fatalf("%s: sign-in link %q names no session", course, j.attr(signIn, "href"))
	}
	j.go_(signIn)
	j.expectPath(`/login`)
	j.follow(`main a[href^="/register"]`, `^Create an account$`)
	j.expectPath(`/register`)
	if j.text("h1") != "Create an account" {
		t.Fatalf("the demo's registration is not open: /register says %q (an admin can open it on /admin)", j.text("main"))
	}
	// An address on the council's email domain: it joins the council once confirmed.
	const email = "sam.journey@council.example.org"
	j.fill("#name", "Sam Journey")
	j.fill("#email", email)
	j.fill("#job_title", "Family support worker")
	j.choose("#organisation_id", `^Bath and North East Somerset Council`)
	j.fill("#password", "a walk in the park")
	j.fill("#password_confirm", "a walk in the park")
	j.follow(`main form[action="/register"] button`, `^Create account$`)
	j.expectPath(`/register`)
	j.expect("h1", `^Check your email$`)
	// The link from the confirmation email, as the inbox would show it.
	j.start("/register/confirm/" + j.confirmToken(email))
	j.follow(`main form button[type="submit"]`, `^Confirm my email address$`)
	j.expectPath(`/login`)
	j.expect("main", `Your email address is confirmed`)
	j.start("/sessions/" + session[1] + "/book")
	j.expectPath(`/login`)
	j.fill("#email", email)
	j.fill("#password", "a walk in the park")
	j.follow(`main form[action="/login"] button[type="submit"]`, `^Sign in$`)
	j.expectPath(`/sessions/` + session[1] + `/book`)
	j.expect(".header__user", `Signed in as Sam Journey`)
	j.expect("h1", `^Book a place on Modern slavery`)

	j.follow(`main button[type="submit"]`, `^Confirm booking$`)
	booked := j.id(j.expectPath(`/bookings/([0-9]+)/booked`)[1])
	j.expect("h1", `^Booking confirmed$`)
	j.expect("main", `We have emailed `+regexp.QuoteMeta(email))

	// The calendar event: the booking's own UID, one VEVENT.
	ics := j.find(`main a[href$=".ics"]`, `^Download the event \(\.ics\)`)
	d, err := Fetch(j.p, j.attr(ics, "href"))
	if err != nil {
		t.Fatal(err)
	}
	var uid, owner string
	if err := j.s.db.R.QueryRow(`SELECT b.ical_uid, u.email FROM bookings b JOIN users u ON u.id = b.user_id WHERE b.id = ?`, booked).Scan(&uid, &owner); err != nil {
		t.Fatal(err)
	}
	if owner != email {
		t.Errorf("booking %d belongs to %s; want the new account %s", booked, owner, email)
	}
	if d.Status != 200 || !strings.HasPrefix(d.ContentType, "text/calendar") || strings.Count(d.Text, "BEGIN:VEVENT") != 1 ||
		!strings.Contains(strings.ReplaceAll(d.Text, "\r\n ", ""), "UID:"+uid+"@") || !strings.Contains(d.Text, "SUMMARY:Modern slavery") {
		t.Errorf("add to calendar: got %d %q, want text/calendar with one VEVENT, UID %s@…:\n%s", d.Status, d.ContentType, uid, d.Text)
	}

	// The demo's one full session, with its waiting list.
	j.follow(`main a[href="/courses"]`, `^Find more training$`)
	j.follow(`main a[href^="/courses/"]`, `^Domestic abuse and its impact on children$`)
	full := j.find(`main .course-dates tr`, `Full \([0-9]+ waiting\)`)
	waiting, _ := strconv.Atoi(regexp.MustCompile(`Full \(([0-9]+) waiting\)`).FindStringSubmatch(j.textOf(full))[1])
	join, err := full.Element(`a[href^="/sessions/"]`)
	if err != nil {
		t.Fatalf("the full session has no link to join its waiting list: %v", err)
	}
	j.expect(`main .course-dates tr:has(a[href="`+j.attr(join, "href")+`"])`, `Join waiting list`)
	j.go_(join)
	j.expect("h1", `^Join the waiting list for Domestic abuse`)
	j.follow(`main button[type="submit"]`, `^Confirm and join the waiting list$`)
	j.expectPath(`/bookings/([0-9]+)/booked`)
	j.expect("h1", `^You are on the waiting list$`)
	position := strconv.Itoa(waiting + 1)
	j.expect("main .panel", `You are number `+position+` on the waiting list`)

	// Cancel the first booking, through its confirmation page.
	j.follow(`main a[href="/my/training"]`, `^Go to my training$`)
	j.follow(fmt.Sprintf(`main a[href="/bookings/%d/cancel"]`, booked), `^Cancel`)
	j.expect("h1", `^Are you sure you want to cancel your booking\?$`)
	j.follow(`main button[type="submit"]`, `^Cancel booking$`)
	j.expectPath(`/my/training`)
	j.expect(`main [role="status"]`, `^Your booking for Modern slavery and human trafficking awareness on .* is cancelled$`)
	j.expect(`table[aria-labelledby="cancelled"]`, `Modern slavery and human trafficking awareness`)
	j.expect(`table[aria-labelledby="waiting"]`, `Domestic abuse and its impact on children .* Number `+position)
	if j.maybe(`table[aria-labelledby="upcoming"]`, `Modern slavery`) != nil {
		t.Errorf("/my/training still lists the cancelled booking as upcoming")
	}

	// A certificate from the demo practitioner's learning record.
	j.follow(`.header__user button[type="submit"]`, `^Sign out$`)
	j.signIn(j.demoLogin(account.Practitioner))
	j.follow(`.header__nav a[href="/my/record"]`, `^My learning record$`)
	cert := j.find(`main a[href^="/certificates/"][href$=".pdf"]`, `^Download certificate`)
	d, err = Fetch(j.p, j.attr(cert, "href"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != 200 || d.ContentType != "application/pdf" || !strings.HasPrefix(d.Head, "%PDF-") || d.Size < 1000 {
		t.Errorf("certificate %s: got %d %q, %d bytes starting %q; want a PDF", j.attr(cert, "href"), d.Status, d.ContentType, d.Size, d.Head)
	}
}

// TestJourneyTrainerRegister: on a phone, the demo trainer opens the register of the
// session under way, marks everyone by tapping, submits without saving first, confirms,
// and the register is locked with the marks kept.
func TestJourneyTrainerRegister(t *testing.T) {
	j := newJourney(t, Phone)
	// The session that started 20 minutes before the demo began (internal/demo/started.go),
	// seeded with the clock the server runs on.
	var sid int64
	var title string
	started := DemoNow.Truncate(5 * time.Minute).Add(-20 * time.Minute)
	if err := j.s.db.R.QueryRow(`SELECT s.id, c.title FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE s.starts_at = ? AND s.ends_at > ?`, store.FormatTime(started), store.FormatTime(DemoNow)).Scan(&sid, &title); err != nil {
		t.Fatalf("the session under way at %s: %v", DemoNow, err)
	}
	j.start("/")
	j.signIn(j.demoLogin(account.Trainer))
	j.expectPath(`/`)
	j.expect(`main .home-now`, `^Take the register now `+regexp.QuoteMeta(title))
	j.follow(fmt.Sprintf(`main .home-now a[href="/trainer/sessions/%d/register"]`, sid), `^Take the register`)
	j.expect("h1", `^`+regexp.QuoteMeta(title)+`$`)

	marks := []string{"Attended", "Attended", "Attended", "Attended", "Attended", "Attended", "Partly attended", "Did not attend"}
	people, err := j.p.Elements("fieldset.attendance-mark")
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != len(marks) {
		t.Fatalf("the register has %d people to mark; the demo gives it %d", len(people), len(marks))
	}
	want := map[string]string{}
	for i, person := range people {
		name, err := person.Element(".attendance-mark__name")
		if err != nil {
			t.Fatal(err)
		}
		who := j.textOf(name)
		want[who] = marks[i]
		labels, err := person.Elements("label.attendance-mark__choice")
		if err != nil {
			t.Fatal(err)
		}
		tapped := false
		for _, l := range labels {
			if j.textOf(l) == marks[i] {
				j.press(l)
				radio, err := l.Element("input")
				if err != nil {
					t.Fatal(err)
				}
				if checked, err := radio.Property("checked"); err != nil || !checked.Bool() {
					t.Fatalf("tapping %q for %s did not choose it", marks[i], who)
				}
				tapped = true
			}
		}
		if !tapped {
			t.Fatalf("no %q label for %s", marks[i], who)
		}
	}
	j.follow(`main form#marks button[value="submit"]`, `^Submit register…$`)
	j.expectPath(fmt.Sprintf(`/trainer/sessions/%d/register/confirm`, sid))
	j.expect("main", `8 people are on the register: 6 attended, 1 partly attended, 1 did not attend\.`)
	j.follow(`main button[type="submit"]`, `^Submit and lock the register$`)
	j.expectPath(fmt.Sprintf(`/trainer/sessions/%d/register`, sid))
	j.expect("main", `This register was submitted by .* It is locked`)
	if j.maybe(`main input[type="radio"]`, ``) != nil {
		t.Errorf("the submitted register can still be marked")
	}
	rows, err := j.p.Elements(`main [aria-label="People on the register"] tbody tr`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		cells, err := r.Elements("td")
		if err != nil || len(cells) != 4 {
			t.Fatalf("a row of the locked register: %d cells (%v)", len(cells), err)
		}
		got[j.textOf(cells[0])] = j.textOf(cells[3])
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the locked register shows %v; the trainer marked %v", got, want)
	}
}

// TestJourneyManagerBooks: the demo manager books a member of staff onto a session from
// their home page, and the booking shows on that person's page.
func TestJourneyManagerBooks(t *testing.T) {
	j := newJourney(t, Desktop)
	j.start("/")
	j.signIn(j.demoLogin(account.Manager))
	j.expectPath(`/`)
	book := j.find(`main .home-card a[href^="/manager/people/"]`, `^Book or nominate`)
	person := j.id(regexp.MustCompile(`^/manager/people/([0-9]+)/book$`).FindStringSubmatch(j.attr(book, "href"))[1])
	j.go_(book)
	j.expectPath(fmt.Sprintf(`/manager/people/%d/book`, person))
	choice := j.find(`main form .radios label`, `\([0-9]+ places? left\)$`)
	radio, err := choice.Element("input")
	if err != nil {
		t.Fatal(err)
	}
	session := j.attr(radio, "value")
	var courseTitle string
	if err := j.s.db.R.QueryRow(`SELECT c.title FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = ?`, session).Scan(&courseTitle); err != nil {
		t.Fatalf("session %s: %v", session, err)
	}
	if !strings.HasPrefix(j.textOf(choice), courseTitle+": ") {
		t.Errorf("the choice of session %s reads %q; want it to start with its course, %q", session, j.textOf(choice), courseTitle)
	}
	j.press(choice)
	j.follow(`main form button[value="book"]`, `^Book a place for `)
	j.expectPath(`/`)
	j.expect(`main [role="status"]`, `has a place on `+regexp.QuoteMeta(courseTitle))

	j.follow(`main a[href="/manager"]`, `^See all your staff's training$`)
	j.follow(fmt.Sprintf(`main a[href="/manager/people/%d"]`, person), `.`)
	j.expect(`table[aria-labelledby="upcoming"]`, regexp.QuoteMeta(courseTitle)+`.*Booked`)
	var status string
	if err := j.s.db.R.QueryRow(`SELECT status FROM bookings WHERE user_id = ? AND session_id = ?`, person, session).Scan(&status); err != nil || status != "confirmed" {
		t.Errorf("the booking in the database: %q, %v; want confirmed", status, err)
	}
}

// TestJourneyAdminMerge: the demo admin adds a second account for someone who already has
// one, finds both on /admin/people, merges them through the confirmation page, and the
// kept person's page records the merge.
func TestJourneyAdminMerge(t *testing.T) {
	j := newJourney(t, Desktop)
	// The first of the demo's named practitioners (not a demo sign-in, which other
	// journeys use): a name with accents, bookings and a learning record.
	var keepID int64
	var name, keepEmail, org string
	if err := j.s.db.R.QueryRow(`SELECT u.id, u.name, u.email, o.name FROM users u JOIN organisations o ON o.id = u.organisation_id
		JOIN user_roles r ON r.user_id = u.id AND r.role = 'practitioner'
		WHERE u.active = 1 AND u.email NOT LIKE '%@example.org' AND NOT EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.role <> 'practitioner')
		  AND (SELECT count(*) FROM users v WHERE v.name = u.name) = 1
		ORDER BY u.id LIMIT 1`).Scan(&keepID, &name, &keepEmail, &org); err != nil {
		t.Fatal(err)
	}
	dupEmail := "second." + strings.SplitN(keepEmail, "@", 2)[0] + "@example.org"

	j.start("/")
	j.signIn(j.demoLogin(account.Admin))
	j.follow(`.header__nav a[href="/admin"]`, `^Admin$`)
	j.follow(`main a[href="/admin/people"]`, `.`)
	j.follow(`main a[href="/admin/people/new"]`, `^Add a person$`)
	j.fill("#name", name)
	j.fill("#email", dupEmail)
	j.choose("#organisation_id", `^`+regexp.QuoteMeta(org)+`$`)
	practitioner := j.find(`main label.checkbox`, `^Practitioner`)
	if box, err := practitioner.Element("input"); err != nil {
		t.Fatal(err)
	} else if checked, err := box.Property("checked"); err != nil || !checked.Bool() {
		j.press(practitioner) // ticked already for a new person
	}
	j.follow(`main form button[type="submit"]`, `^Add person and email them$`)
	dupID := j.id(j.expectPath(`/admin/people/([0-9]+)`)[1])
	j.expect(`main [role="status"]`, regexp.QuoteMeta(name)+` has been added`)

	j.follow(`main nav a[href="/admin/people"]`, `^People$`)
	search := func(q string) int {
		t.Helper()
		j.fill("#q", q)
		j.follow(`main form[role="search"] button[type="submit"]`, `^Search$`)
		found, err := j.p.Elements(`main table tbody tr`)
		if err != nil {
			t.Fatal(err)
		}
		return len(found)
	}
	if n := search(name); n != 2 {
		// Searching for the name as written must find both accounts. Carry on with a
		// shorter search so the rest of the journey is still tested.
		t.Errorf("searching /admin/people for %q found %d people; want the two accounts", name, n)
		words := strings.Fields(name)
		if n := search(words[len(words)-1]); n < 2 {
			t.Fatalf("searching /admin/people for %q found %d people; want the two accounts", words[len(words)-1], n)
		}
	}
	j.expect("main table", regexp.QuoteMeta(keepEmail))
	j.expect("main table", regexp.QuoteMeta(dupEmail))
	j.follow(fmt.Sprintf(`main table a[href="/admin/people/%d"]`, keepID), `^`+regexp.QuoteMeta(name)+`$`)
	j.follow(fmt.Sprintf(`main a[href="/admin/people/%d/merge"]`, keepID), `^Merge a duplicate account into this one$`)
	j.fill("#q", dupEmail)
	j.follow(`main form[role="search"] button[type="submit"]`, `^Search$`)
	j.follow(fmt.Sprintf(`main table a[href="/admin/people/%d/merge/%d"]`, keepID, dupID), `^Choose`)
	j.expect("main dl", `Keep .*`+regexp.QuoteMeta(keepEmail)+`.* Merge and disable .*`+regexp.QuoteMeta(dupEmail))
	j.follow(`main button[type="submit"]`, `^Merge these accounts$`)
	j.expectPath(fmt.Sprintf(`/admin/people/%d`, keepID))
	j.expect(`main [role="status"]`, `^Merged: `)
	j.expect(`main .merge-record h3`, regexp.QuoteMeta(name+" ("+dupEmail+"), account "+strconv.FormatInt(dupID, 10)))
	j.expect(`main .merge-record`, `by `)
}

// TestJourneyKeyboardBooking: the demo practitioner books a place with the keyboard alone,
// from a course page to the confirmation, and can see where the focus is at every stop.
func TestJourneyKeyboardBooking(t *testing.T) {
	j := newJourney(t, Desktop)
	j.start("/")
	j.signIn(j.demoLogin(account.Practitioner))
	j.follow(`.header__nav a[href="/courses"]`, `^Courses$`)
	j.follow(`main a[href^="/courses/"]`, `^Whistleblowing in children's services$`)

	// tabTo presses Tab until the focus is on an element whose text matches want, checking
	// that every element the focus stops on shows it.
	tabTo := func(want string) *Focus {
		t.Helper()
		re := regexp.MustCompile(want)
		var stops []string
		for range 120 {
			if err := j.p.Keyboard.Press(input.Tab); err != nil {
				t.Fatal(err)
			}
			f, err := Focused(j.p)
			if err != nil {
				t.Fatal(err)
			}
			if f == nil {
				stops = append(stops, "(nothing)")
				continue
			}
			stops = append(stops, f.String())
			if !f.Visible {
				t.Errorf("%s: the focus on %s cannot be seen (outline %s, box-shadow %s)", j.path(), f, f.Outline, f.Shadow)
			}
			if re.MatchString(f.Text) {
				t.Logf("%s: Tab stopped on %s", j.path(), strings.Join(stops, ", "))
				return f
			}
		}
		t.Fatalf("%s: Tab never reached %q; it stopped on: %s", j.path(), want, strings.Join(stops, ", "))
		return nil
	}
	enter := func() {
		t.Helper()
		wait := j.p.Timeout(stepTimeout).WaitNavigation(proto.PageLifecycleEventNameLoad)
		if err := j.p.Keyboard.Press(input.Enter); err != nil {
			t.Fatal(err)
		}
		wait()
		j.arrived()
	}

	f := tabTo(`^Book a place`)
	if !strings.HasPrefix(f.Href, "/sessions/") {
		t.Fatalf("the focused %s is not a booking link", f)
	}
	enter()
	j.expectPath(strings.TrimSuffix(f.Href, "/book") + `/book`)
	j.expect("h1", `^Book a place on Whistleblowing`)
	tabTo(`^Confirm booking$`)
	enter()
	j.expectPath(`/bookings/[0-9]+/booked`)
	j.expect("h1", `^Booking confirmed$`)
}
