package audit

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Filter narrows the trail. Zero fields do not filter. From and To bound At (To is
// exclusive); BeforeID pages backwards from the newest.
type Filter struct {
	From, To    time.Time
	Person      string // email of the actor, any case
	Action      string
	SubjectType string
	SubjectID   int64
	BeforeID    int64
	Limit       int // 0: no limit (the CSV)
}

// Row is an event with the actor's current name and address (an erased person shows as
// erased, not as who they were).
type Row struct {
	ID          int64
	At          time.Time
	ActorID     int64
	ActorName   string
	ActorEmail  string
	RemoteAddr  string
	RequestID   string
	Action      string
	Route       string
	SubjectType string
	SubjectID   int64
	Summary     string
	Before      string
	After       string
}

// List reads events newest first.
func List(ctx context.Context, db *sql.DB, f Filter) ([]Row, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if !f.From.IsZero() {
		add(`e.at >= ?`, store.FormatTime(f.From))
	}
	if !f.To.IsZero() {
		add(`e.at < ?`, store.FormatTime(f.To))
	}
	if p := strings.TrimSpace(f.Person); p != "" {
		add(`e.actor_id IN (SELECT id FROM users WHERE email = ? COLLATE NOCASE)`, p)
	}
	if f.Action != "" {
		add(`e.action = ?`, f.Action)
	}
	if f.SubjectType != "" {
		add(`e.subject_type = ?`, f.SubjectType)
	}
	if f.SubjectID != 0 {
		add(`e.subject_id = ?`, f.SubjectID)
	}
	if f.BeforeID != 0 {
		add(`e.id < ?`, f.BeforeID)
	}
	q := `SELECT e.id, e.at, COALESCE(e.actor_id, 0), COALESCE(u.name, ''), COALESCE(u.email, ''), e.remote_addr,
		e.request_id, e.action, e.route, e.subject_type, COALESCE(e.subject_id, 0), e.summary,
		COALESCE(e.before_json, ''), COALESCE(e.after_json, '')
		FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY e.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var at store.Time
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &r.ActorName, &r.ActorEmail, &r.RemoteAddr, &r.RequestID,
			&r.Action, &r.Route, &r.SubjectType, &r.SubjectID, &r.Summary, &r.Before, &r.After); err != nil {
			return nil, err
		}
		r.At = at.T
		out = append(out, r)
	}
	return out, rows.Err()
}

// Actions are the action names an admin can filter by.
var Actions = []string{Change, Read, SignIn, SignInFailed}
