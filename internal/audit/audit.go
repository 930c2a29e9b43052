// Package audit keeps the partnership's audit trail: every change made by someone who
// runs the programme (admins, partners, trainers, managers), every sign-in and failed
// sign-in, and every time someone reads or exports another person's record. Rows are
// append-only in the database; a change's row is written in the change's own
// transaction, so neither is ever kept without the other.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Actions recorded. A change made through a page or the API is Change, with its route;
// the rest are named for what happened.
const (
	Change       = "change"
	Read         = "read"
	SignIn       = "signin"
	SignInFailed = "signin.failed"
)

// Event is one row of the trail.
type Event struct {
	At          time.Time
	ActorID     int64 // 0: nobody signed in, or the service itself
	RemoteAddr  string
	RequestID   string
	Action      string
	Route       string // "POST /admin/courses/:id"
	SubjectType string // "courses", "sessions", "people", ...
	SubjectID   int64
	Summary     string
	Before      any // what the thing was before a change, when the handler knows
	After       any
}

// Record appends ev inside the caller's transaction.
func Record(ctx context.Context, tx *sql.Tx, ev Event) error {
	before, err := jsonOrNull(ev.Before)
	if err != nil {
		return err
	}
	after, err := jsonOrNull(ev.After)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events (at, actor_id, remote_addr, request_id, action, route,
		subject_type, subject_id, summary, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		store.FormatTime(ev.At), nullID(ev.ActorID), ev.RemoteAddr, ev.RequestID, ev.Action, ev.Route,
		ev.SubjectType, nullID(ev.SubjectID), ev.Summary, before, after)
	return err
}

// RecordAlone appends ev in a write of its own, for events that change nothing else (a
// failed sign-in, a read). It is bookkeeping no page cache shows, so it does not empty
// the catalogue's caches.
func RecordAlone(ctx context.Context, db *store.DB, ev Event) error {
	return db.WriteUnseen(ctx, func(tx *sql.Tx) error { return Record(ctx, tx, ev) })
}

func jsonOrNull(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
