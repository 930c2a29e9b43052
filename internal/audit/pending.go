package audit

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// pending is the change a request is about to make: the route, who, from where. The
// first write the request commits records it, in that write's transaction; a request
// that changes nothing (a form sent back with errors) leaves no row.
type pending struct {
	mu       sync.Mutex
	ev       Event
	details  func() (subjectType string, subjectID int64, summary string) // read once the handler has parsed its form
	after    func(ctx context.Context, tx *sql.Tx) (any, error)
	body     []byte // a JSON request's body, for the summary when no form was sent
	recorded bool
}

type pendingKey struct{}

// WithPending marks ctx as a request whose first write is a change to record. details is
// called when that write commits, after the handler has read its input.
func WithPending(ctx context.Context, ev Event, details func() (string, int64, string)) context.Context {
	return context.WithValue(ctx, pendingKey{}, &pending{ev: ev, details: details})
}

// Note adds what a change's subject was before, and how to read it after the change
// inside the change's own transaction, so the trail holds what was stored rather than
// what was typed. It does nothing outside an audited request.
func Note(ctx context.Context, before any, after func(ctx context.Context, tx *sql.Tx) (any, error)) {
	if p, ok := ctx.Value(pendingKey{}).(*pending); ok {
		p.mu.Lock()
		p.ev.Before, p.after = before, after
		p.mu.Unlock()
	}
}

// NoteBody keeps a JSON request's body for the entry's summary (secrets are hidden when
// it is written). It does nothing outside an audited request.
func NoteBody(ctx context.Context, body []byte) {
	if p, ok := ctx.Value(pendingKey{}).(*pending); ok {
		p.mu.Lock()
		p.body = body
		p.mu.Unlock()
	}
}

// AfterWrite is the store's hook (store.DB.AfterWrite): inside a request's first
// committed write, it appends the request's pending change.
func AfterWrite(now func() time.Time) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		p, ok := ctx.Value(pendingKey{}).(*pending)
		if !ok {
			return nil
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.recorded {
			return nil
		}
		ev := p.ev
		ev.At = now()
		if p.details != nil {
			ev.SubjectType, ev.SubjectID, ev.Summary = p.details()
		}
		if ev.Summary == "" && p.body != nil {
			ev.Summary = DescribeJSON(p.body)
		}
		if p.after != nil {
			after, err := p.after(ctx, tx)
			if err != nil {
				return err
			}
			ev.After = after
		}
		if err := Record(ctx, tx, ev); err != nil {
			return err
		}
		p.recorded = true
		return nil
	}
}
