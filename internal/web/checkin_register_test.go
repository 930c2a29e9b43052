package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// checkIn checks a person in through the pages with the code on the trainer's screen.
func (f *regFixture) checkIn(t *testing.T, trainer, person *http.Client, sessionID int64) {
	t.Helper()
	code, _ := f.trainerScreen(t, trainer, sessionID)
	r := f.post(t, person, "/check-in/"+id(sessionID), url.Values{"code": {code}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("check in: %d %.800s", r.Status, r.Body)
	}
}

func TestRegisterShowsCheckInsAndMarksThemWithOneButton(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	f.Clock.Set(f.Starts.Add(-20 * time.Minute)) // 9:40am London
	f.checkIn(t, tom, f.signedIn(t, "pat@example.org"), f.Mine)
	f.Clock.Advance(10 * time.Minute)
	f.checkIn(t, tom, f.signedIn(t, "sean@example.org"), f.Mine)

	// Before the start the register shows who is here, but cannot be marked yet.
	r := f.get(t, tom, f.registerURL(f.Mine))
	mustContain(t, r.Body, "<th scope=\"col\">Checked in</th>", "<td>9:40am</td>", "<td>9:50am</td>", "<td>No</td>")

	f.start()
	r = f.get(t, tom, f.registerURL(f.Mine))
	mustContain(t, r.Body, "Checked in 9:40am", "Checked in 9:50am", `value="checked-in">Mark everyone checked in as attended</button>`,
		"2 people checked in and not marked yet")

	// Sean left at lunch: the trainer marks him partly attended and presses the button in
	// the same form. Pat becomes attended; Sean keeps the trainer's mark; the person who
	// did not check in stays unmarked.
	form := markForm(f.SeanB, "partial")
	form.Set("action", "checked-in")
	r = f.follow(t, tom, f.post(t, tom, f.registerURL(f.Mine), form))
	mustContain(t, r.Body, "Attendance saved for 1 person. 1 person who checked in marked as attended")
	for b, want := range map[int64]string{f.PatB: "attended", f.SeanB: "partial", f.FormulaB: ""} {
		if got := f.mark(t, b); got != want {
			t.Errorf("booking %d: %q, want %q", b, got, want)
		}
	}
	mustNotContain(t, r.Body, "Mark everyone checked in as attended</button>")
	hist := f.historyOf(t, f.PatB)
	if last := hist[len(hist)-1]; last.Reason != "attendance recorded" || last.To != "attended" || last.ActorID != f.Trainer.ID {
		t.Fatalf("Pat's last history line %+v", last)
	}

	// Once submitted, the button is refused like any other change.
	r = f.post(t, tom, f.registerURL(f.Mine), markForm(f.FormulaB, "absent"))
	regWant(t, r, http.StatusSeeOther, "mark the last")
	r = f.post(t, tom, f.registerURL(f.Mine)+"/submit", url.Values{})
	regWant(t, r, http.StatusSeeOther, "submit")
	r = f.post(t, tom, f.registerURL(f.Mine), url.Values{"action": {"checked-in"}})
	regWant(t, r, http.StatusConflict, "button on a submitted register")
	mustContain(t, r.Body, "This register has been submitted")
	// The submitted register still says who checked in.
	mustContain(t, f.get(t, tom, f.registerURL(f.Mine)).Body, "<td>9:40am</td>")
}

func TestOtherTrainersCannotMarkCheckIns(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tia := f.signedIn(t, "tia@example.org")
	r := f.post(t, tia, f.registerURL(f.Mine), url.Values{"action": {"checked-in"}})
	regWant(t, r, http.StatusNotFound, "another trainer's register")
}
