package checkin_test

import (
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/checkin"
)

func TestCodeIsStableForAStepAndChangesWithTheNext(t *testing.T) {
	r := newRig(t)
	r.opened() // on a 30-second boundary
	first, err := r.Svc.Current(ctx, r.Session)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Code) != checkin.Digits || checkin.NormaliseCode(first.Code) != first.Code {
		t.Fatalf("code %q is not six digits", first.Code)
	}
	if want := r.Clock.Now().Add(checkin.Step); !first.Until.Equal(want) {
		t.Errorf("shows until %s, want %s", first.Until, want)
	}
	r.Clock.Advance(29 * time.Second)
	if again := r.code(t, r.Session); again != first.Code {
		t.Fatalf("within one step the code changed: %s then %s", first.Code, again)
	}
	r.Clock.Advance(time.Second)
	if next := r.code(t, r.Session); next == first.Code {
		t.Fatalf("the next step shows the same code %s", next)
	}
	var secrets int
	if err := r.DB.R.QueryRow(`SELECT count(*) FROM checkin_secrets WHERE session_id = ?`, r.Session).Scan(&secrets); err != nil || secrets != 1 {
		t.Fatalf("secrets stored: %d (%v), want the one made on first opening", secrets, err)
	}
}

func TestEachSessionHasItsOwnCodes(t *testing.T) {
	r := newRig(t)
	other := r.sessionAt(t, r.Starts)
	u2, _ := r.booked(t, other)
	r.opened()
	if r.code(t, r.Session) == r.code(t, other) {
		t.Fatal("two sessions show the same code")
	}
	// The code of the session next door does not check anyone in here.
	_, err := r.Svc.CheckIn(ctx, other, u2.ID, r.code(t, r.Session))
	wantProblem(t, err, checkin.ErrWrongCode)
	if n := r.checkins(t); n != 0 {
		t.Fatalf("%d check-ins stored after a wrong session's code", n)
	}
}

func TestUnknownSessionHasNoCode(t *testing.T) {
	r := newRig(t)
	_, err := r.Svc.Current(ctx, r.Session+100)
	wantProblem(t, err, checkin.ErrSessionNotFound)
}

func TestNormaliseCode(t *testing.T) {
	for in, want := range map[string]string{
		"042917": "042917", " 042 917 ": "042917", "042-917": "042917",
		"42917": "", "0429171": "", "04291a": "", "": "", "+42917": "", "０４２９１７": "",
	} {
		if got := checkin.NormaliseCode(in); got != want {
			t.Errorf("NormaliseCode(%q) = %q, want %q", in, got, want)
		}
	}
}
