package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestTrainerCheckInScreenShowsTheCodeAndItsQRCode(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	f.Clock.Set(f.Starts.Add(-10*time.Minute + 10*time.Second)) // 10 s into a step
	code, r := f.trainerScreen(t, tom, f.Mine)
	if refreshRE.MatchString(r.Body) {
		t.Fatal("the screen reloads itself without being asked to")
	}
	mustContain(t, r.Body, `href="/trainer/sessions/`+id(f.Mine)+`/check-in?updating=on"`)
	r = f.get(t, tom, "/trainer/sessions/"+id(f.Mine)+"/check-in?updating=on")
	want := f.URL + "/check-in/" + id(f.Mine) + "/" + code
	if got := decodeSVGQR(t, r.Body); got != want {
		t.Fatalf("QR code reads %q, want %q", got, want)
	}
	if m := refreshRE.FindStringSubmatch(r.Body); m == nil || m[1] != "20" {
		t.Fatalf("refresh %v, want in 20 seconds, when the code changes", m)
	}
	mustContain(t, r.Body, "0 checked in so far, of 3 people with a place", f.URL+"/check-in", "Stop updating")
	// The same within the step; another code in the next.
	f.Clock.Advance(19 * time.Second)
	if again, _ := f.trainerScreen(t, tom, f.Mine); again != code {
		t.Fatalf("code changed within its step: %s then %s", code, again)
	}
	f.Clock.Advance(time.Second)
	if next, _ := f.trainerScreen(t, tom, f.Mine); next == code {
		t.Fatal("the next step shows the same code")
	}
	// Only the session's trainers (and admins) see it; practitioners are not trainers.
	if r := f.get(t, f.signedIn(t, "tia@example.org"), "/trainer/sessions/"+id(f.Mine)+"/check-in"); r.Status != http.StatusNotFound {
		t.Fatalf("another trainer: %d, want 404", r.Status)
	}
	if r := f.get(t, f.signedIn(t, "pat@example.org"), "/trainer/sessions/"+id(f.Mine)+"/check-in"); r.Status != http.StatusForbidden {
		t.Fatalf("a practitioner: %d, want 403", r.Status)
	}
	if r := f.get(t, f.signedIn(t, "ada@example.org"), "/trainer/sessions/"+id(f.Mine)+"/check-in"); r.Status != http.StatusOK {
		t.Fatalf("an admin: %d, want 200", r.Status)
	}
}

func TestScanningChecksInWithoutScriptAfterSigningIn(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	f.Clock.Set(f.Starts.Add(-5 * time.Minute))
	code, r := f.trainerScreen(t, tom, f.Mine)
	scanned, _ := url.Parse(decodeSVGQR(t, r.Body))

	// Not signed in: sign in, then back to the scanned address.
	pat := f.Browser(t)
	r = f.get(t, pat, scanned.Path)
	if want := "/login?next=" + url.QueryEscape(scanned.Path); r.Status != http.StatusSeeOther || r.Location != want {
		t.Fatalf("anonymous scan: %d %q, want 303 %q", r.Status, r.Location, want)
	}
	r = f.post(t, pat, "/login", login("pat@example.org", "correct horse battery", scanned.Path))
	if r.Location != scanned.Path {
		t.Fatalf("after signing in: %q, want %q", r.Location, scanned.Path)
	}
	r = f.get(t, pat, r.Location)
	regWant(t, r, http.StatusOK, "confirm page")
	mustContain(t, r.Body, `<form method="post" action="/check-in/`+id(f.Mine)+`"`, `name="code" value="`+code+`"`,
		">Check in</button>", "Safeguarding level 2")
	mustNotContain(t, r.Body, "<script")
	if n := f.count(t, "checkins"); n != 0 {
		t.Fatalf("opening the confirm page checked in (%d)", n)
	}

	// The button: post, redirect, get.
	f.Clock.Advance(20 * time.Second) // the code may change while they read: still fine
	r = f.post(t, pat, "/check-in/"+id(f.Mine), url.Values{"code": {code}})
	r = f.follow(t, pat, r)
	mustContain(t, r.Body, "You are checked in. Thank you", "You checked in at 9:55am on Friday 27 November 2026")
	if n := f.countWhere(t, `SELECT count(*) FROM checkins WHERE booking_id = ?`, f.PatB); n != 1 {
		t.Fatalf("Pat's check-ins: %d", n)
	}
	// Twice is harmless.
	r = f.follow(t, pat, f.post(t, pat, "/check-in/"+id(f.Mine), url.Values{"code": {code}}))
	mustContain(t, r.Body, "You had already checked in at 9:55am")
	if n := f.count(t, "checkins"); n != 1 {
		t.Fatalf("check-ins after a second press: %d", n)
	}
	hist := f.historyOf(t, f.PatB)
	if last := hist[len(hist)-1]; last.Reason != "checked in at the venue" || last.ActorID != f.Pract.ID {
		t.Fatalf("last history line %+v", last)
	}
}

func TestCheckInRefusalsStoreNothing(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	sean := f.signedIn(t, "sean@example.org")
	wendy := f.signedIn(t, "wendy@example.org") // on the waiting list
	mine := "/check-in/" + id(f.Mine)

	// Too early: the page says when to come back, and a post is refused.
	f.Clock.Set(f.Starts.Add(-time.Hour))
	code, _ := f.trainerScreen(t, tom, f.Mine)
	r := f.get(t, sean, mine+"/"+code)
	regWant(t, r, http.StatusOK, "early confirm page")
	mustContain(t, r.Body, "Check-in has not opened yet", "Check-in opens at 9:30am on Friday 27 November 2026")
	mustNotContain(t, r.Body, ">Check in</button>")
	r = f.post(t, sean, mine, url.Values{"code": {code}})
	regWant(t, r, http.StatusUnprocessableEntity, "early check-in")

	// In the window: a wrong code, and a code from two steps ago.
	f.Clock.Set(f.Starts)
	old, _ := f.trainerScreen(t, tom, f.Mine)
	f.Clock.Advance(time.Minute)
	current, _ := f.trainerScreen(t, tom, f.Mine)
	for _, bad := range []string{old, "12345"} {
		if bad == current {
			continue
		}
		r = f.post(t, sean, mine, url.Values{"code": {bad}})
		regWant(t, r, http.StatusUnprocessableEntity, "code "+bad)
		mustContain(t, r.Body, "There is a problem", `href="#code"`, `id="code" name="code"`)
	}
	// No place: the waiting list is told to speak to the trainer, whatever the code.
	r = f.get(t, wendy, mine)
	mustContain(t, r.Body, "You do not have a confirmed place on this session")
	mustNotContain(t, r.Body, "Safeguarding level 2", `name="code"`)
	r = f.post(t, wendy, mine, url.Values{"code": {current}})
	regWant(t, r, http.StatusForbidden, "waitlisted check-in")
	// Another trainer's session's code does not check Pat in here.
	tia := f.signedIn(t, "tia@example.org")
	theirs, _ := f.trainerScreen(t, tia, f.Theirs)
	if theirs != current {
		r = f.post(t, f.signedIn(t, "pat@example.org"), mine, url.Values{"code": {theirs}})
		regWant(t, r, http.StatusUnprocessableEntity, "the other session's code")
	}
	if n := f.count(t, "checkins"); n != 0 {
		t.Fatalf("refused check-ins stored %d rows", n)
	}
	// After the end: closed.
	f.Clock.Set(f.Starts.Add(3 * time.Hour))
	r = f.post(t, sean, mine, url.Values{"code": {current}})
	regWant(t, r, http.StatusUnprocessableEntity, "after the end")
	mustContain(t, r.Body, "This session has ended, so check-in has closed")
}

func TestCheckInStartFindsTheSessionOpenNow(t *testing.T) {
	f := newRegFixture(t)
	f.Clock.Set(f.Starts.Add(-10 * time.Minute))
	// Sean is only on Tom's session: straight to its form.
	sean := f.signedIn(t, "sean@example.org")
	r := f.get(t, sean, "/check-in")
	if r.Status != http.StatusSeeOther || r.Location != "/check-in/"+id(f.Mine) {
		t.Fatalf("one open session: %d %q", r.Status, r.Location)
	}
	r = f.get(t, sean, r.Location)
	mustContain(t, r.Body, `id="code" name="code"`, "Type the 6-digit code")
	// Pat has places on both sessions at this time: choose.
	r = f.get(t, f.signedIn(t, "pat@example.org"), "/check-in")
	regWant(t, r, http.StatusOK, "two open sessions")
	mustContain(t, r.Body, `href="/check-in/`+id(f.Mine)+`"`, `href="/check-in/`+id(f.Theirs)+`"`)
	// Wendy is waiting for a place: nothing to check in to.
	r = f.get(t, f.signedIn(t, "wendy@example.org"), "/check-in")
	regWant(t, r, http.StatusOK, "no open session")
	mustContain(t, r.Body, "You have no session to check in to right now")
}

func TestTypingTheCodeChecksIn(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	sean := f.signedIn(t, "sean@example.org")
	f.Clock.Set(f.Starts.Add(15 * time.Minute))
	code, _ := f.trainerScreen(t, tom, f.Mine)
	r := f.post(t, sean, "/check-in/"+id(f.Mine), url.Values{"code": {code[:3] + " " + code[3:]}})
	r = f.follow(t, sean, r)
	mustContain(t, r.Body, "You are checked in")
	mustNotContain(t, r.Body, `name="code"`)
}
