// Package minimum watches sessions that have a minimum number of people (course_sessions
// .min_places). Once a session is within the notice period before its start, still
// scheduled and below its minimum, its provider (the training partner's people, for a
// partner's course) and the partnership's admins get one email with the fill and the
// waiting list and a link to the session, so they can fill it or cancel it while people
// can still make other plans. minimum_notices records the email, so it goes once per
// session, whichever server runs the job and however often.
package minimum

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// Kind is the email saying a session is below its minimum.
const Kind outbox.Kind = "session_below_minimum"

// DefaultNotice is how long before the start the email goes: a week, in London calendar
// days (so 7 days before 10:00 is 10:00 that day, across a clock change too).
var DefaultNotice = outbox.Lead{Days: 7}

// ParseNotice reads --minimum-notice: a number of days or hours such as 7d or 48h, or
// "off" for no emails.
func ParseNotice(s string) (notice outbox.Lead, on bool, err error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "off" {
		return outbox.Lead{}, false, nil
	}
	leads, err := outbox.ParseLeads(s)
	if err != nil || len(leads) != 1 || strings.Contains(s, ",") {
		return outbox.Lead{}, false, fmt.Errorf("%q: write one number of days or hours such as 7d or 48h, or off", s)
	}
	return leads[0], true, nil
}

// Message is the email's snapshot (outbox.Payload.Data), as it stood when queued.
type Message struct {
	SessionID   int64     `json:"session_id"`
	CourseID    int64     `json:"course_id"`
	CourseTitle string    `json:"course_title"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Online      bool      `json:"online"`
	Venue       string    `json:"venue"`
	Capacity    int       `json:"capacity"`
	MinPlaces   int       `json:"min_places"`
	Confirmed   int       `json:"confirmed"`
	Waitlisted  int       `json:"waitlisted"`
	// Provider is the training partner delivering the course; "" for the partnership's own.
	Provider string `json:"provider,omitempty"`
	// Partner says this reader is one of the provider's people, so their link is the
	// partner's session page; an admin's is the admin session page.
	Partner bool `json:"partner,omitempty"`
}

// Notices queues the below-minimum emails; Run calls Queue every interval.
type Notices struct {
	DB     *store.DB
	Notice outbox.Lead
	Now    clock.Clock
	Log    *slog.Logger
}

// Queue emails the provider and the admins of each session that has come within the
// notice period below its minimum and has not had its email yet. It returns how many
// sessions it emailed about.
func (n *Notices) Queue(ctx context.Context) (int, error) {
	now := n.Now()
	// A day of slack covers a clock change inside the notice; Before decides exactly.
	horizon := now.Add(time.Duration(n.Notice.Days)*24*time.Hour + time.Duration(n.Notice.Hours)*time.Hour + 25*time.Hour)
	rows, err := n.DB.R.QueryContext(ctx, `SELECT s.id, s.starts_at FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE `+dueWhere+` AND s.starts_at <= ?
		  AND NOT EXISTS (SELECT 1 FROM minimum_notices m WHERE m.session_id = s.id)
		ORDER BY s.starts_at, s.id`, store.FormatTime(now), store.FormatTime(horizon))
	if err != nil {
		return 0, store.Classify(err)
	}
	var due []int64
	for rows.Next() {
		var id int64
		var starts store.Time
		if err := rows.Scan(&id, &starts); err != nil {
			rows.Close()
			return 0, err
		}
		if !now.Before(n.Notice.Before(starts.T)) {
			due = append(due, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, store.Classify(err)
	}
	queued := 0
	for _, id := range due {
		sent, err := n.send(ctx, id, now)
		if err != nil {
			return queued, err
		}
		if sent {
			queued++
		}
	}
	return queued, nil
}

// dueWhere picks the sessions (s, of course c) below their minimum that have not started
// and that people can book: a draft, archived or unapproved course's dates fill from no
// one, so they are nobody's to promote. Its one argument is now.
const dueWhere = `s.status = 'scheduled' AND s.min_places > 0 AND s.confirmed_count < s.min_places AND s.starts_at > ?
	AND c.status = 'published' AND c.approval = 'approved'`

// send checks the session again under its row lock (a booking may just have lifted it to
// its minimum), records the notice and queues the emails, all in one transaction: the
// notice row's key makes a second server's attempt do nothing.
func (n *Notices) send(ctx context.Context, sessionID int64, now time.Time) (bool, error) {
	sent := false
	err := n.DB.Write(ctx, func(tx *sql.Tx) error {
		sent = false
		if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
			return err
		}
		var m Message
		var providerID int64
		var starts, ends store.Time
		err := tx.QueryRowContext(ctx, `SELECT s.id, s.course_id, c.title, s.starts_at, s.ends_at, s.online, s.venue,
			s.capacity, s.min_places, s.confirmed_count,
			(SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted'),
			COALESCE(c.provider_organisation_id, 0), COALESCE(p.name, '')
			FROM course_sessions s JOIN courses c ON c.id = s.course_id
			LEFT JOIN organisations p ON p.id = c.provider_organisation_id
			WHERE s.id = ? AND `+dueWhere, sessionID, store.FormatTime(now)).
			Scan(&m.SessionID, &m.CourseID, &m.CourseTitle, &starts, &ends, &m.Online, &m.Venue,
				&m.Capacity, &m.MinPlaces, &m.Confirmed, &m.Waitlisted, &providerID, &m.Provider)
		if err == sql.ErrNoRows {
			return nil // filled, cancelled or started since the list was read
		}
		if err != nil {
			return err
		}
		m.StartsAt, m.EndsAt = starts.T, ends.T
		res, err := tx.ExecContext(ctx, `INSERT INTO minimum_notices (session_id, confirmed, sent_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, sessionID, m.Confirmed, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another server got here first
		}
		readers, err := recipients(ctx, tx, providerID)
		if err != nil {
			return err
		}
		for _, r := range readers {
			msg := m
			msg.Partner = r.partner
			data, err := json.Marshal(msg)
			if err != nil {
				return err
			}
			if _, err := outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: Kind, UserID: r.id, SessionID: sessionID,
				ToEmail: r.email, ToName: r.name, Payload: outbox.Payload{Data: data}, ExpiresAt: m.StartsAt}, now); err != nil {
				return err
			}
		}
		sent = true
		return nil
	})
	return sent, err
}

// reader is one person the email goes to.
type reader struct {
	id          int64
	name, email string
	partner     bool
}

// recipients are the provider's active partner accounts (for a partner's course) and
// then the active admins, each once: someone who is both reads the admin's version.
func recipients(ctx context.Context, tx *sql.Tx, providerID int64) ([]reader, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.name, u.email,
		MAX(CASE WHEN r.role = 'admin' THEN 1 ELSE 0 END) AS is_admin
		FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.active = 1 AND (r.role = 'admin' OR (r.role = 'partner' AND u.organisation_id = ?))
		GROUP BY u.id, u.name, u.email
		ORDER BY is_admin, u.id`, providerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reader
	for rows.Next() {
		var r reader
		var admin int
		if err := rows.Scan(&r.id, &r.name, &r.email, &admin); err != nil {
			return nil, err
		}
		r.partner = admin == 0
		out = append(out, r)
	}
	return out, rows.Err()
}

// Run queues the emails every interval until ctx ends, one server at a time.
func (n *Notices) Run(ctx context.Context, interval time.Duration) {
	n.DB.Every(ctx, "minimum_notices", interval, n.Log, func(ctx context.Context) error { _, err := n.Queue(ctx); return err })
}
