package problem

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/traininghub/traininghub/internal/store"
)

func TestFullDiskIsA503WithAClearMessage(t *testing.T) {
	for _, err := range []error{
		store.Classify(sqlite3.Error{Code: sqlite3.ErrFull}),
		fmt.Errorf("book: %w", sqlite3.Error{Code: sqlite3.ErrFull}), // not through Classify
		sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrWrite},
	} {
		pe, _ := From(err)
		if pe.Status != http.StatusServiceUnavailable || pe.Code != "storage_full" || pe.RetryAfterHeader() != "30" {
			t.Errorf("From(%v) = %d %s Retry-After %s", err, pe.Status, pe.Code, pe.RetryAfterHeader())
		}
		if pe.Message != "The service cannot save anything at the moment because its storage is full. Nothing was changed: please try again later." {
			t.Errorf("message %q", pe.Message)
		}
	}
	if pe, _ := From(errors.New("x")); pe.Status != http.StatusInternalServerError {
		t.Error("an ordinary error became", pe.Status)
	}
	if Busy.RetryAfterHeader() != "1" {
		t.Error("busy Retry-After changed")
	}
}

func TestFullDiskIsLoggedOncePerMinute(t *testing.T) {
	fullReported.Store(0)
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	want := []struct {
		at   time.Duration
		logs bool
	}{{0, true}, {time.Second, false}, {59 * time.Second, false}, {60 * time.Second, true}, {61 * time.Second, false}, {3 * time.Minute, true}}
	for _, w := range want {
		if got := reportFull(t0.Add(w.at)); got != w.logs {
			t.Errorf("at +%s: report = %v, want %v", w.at, got, w.logs)
		}
	}
	fullReported.Store(0)
	if _, unexpected := From(store.ErrFull); !unexpected {
		t.Error("the first full-disk error of a minute is not logged")
	}
	if _, unexpected := From(store.ErrFull); unexpected {
		t.Error("the second full-disk error within a minute is logged again")
	}
}
