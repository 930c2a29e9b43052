package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Lead is how long before a session a reminder goes: whole days count in London calendar
// days (so "1 day" before 10:00 is 10:00 the day before, even across a clock change).
type Lead struct {
	Days  int
	Hours int
}

// DefaultLeads are 3 days and 1 day before.
var DefaultLeads = []Lead{{Days: 3}, {Days: 1}}

// ParseLeads reads a list such as "3d,1d,2h".
func ParseLeads(s string) ([]Lead, error) {
	var out []Lead
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.ToLower(part))
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part[:len(part)-1])
		if err != nil || n <= 0 || n > 60 {
			return nil, fmt.Errorf("reminder %q: write a number of days or hours such as 3d or 2h", part)
		}
		switch part[len(part)-1] {
		case 'd':
			out = append(out, Lead{Days: n})
		case 'h':
			out = append(out, Lead{Hours: n})
		default:
			return nil, fmt.Errorf("reminder %q: end with d for days or h for hours", part)
		}
	}
	// Longest first, duplicates dropped.
	slices.SortFunc(out, func(a, b Lead) int { return b.minutes() - a.minutes() })
	return slices.Compact(out), nil
}

func (l Lead) minutes() int { return l.Days*24*60 + l.Hours*60 }

// Before is the reminder moment for a session starting at start.
func (l Lead) Before(start time.Time) time.Time {
	return start.In(clock.London).AddDate(0, 0, -l.Days).Add(-time.Duration(l.Hours) * time.Hour).UTC()
}

// Label is the lead in words for the message: "3 days", "1 day", "2 hours".
func (l Lead) Label() string {
	switch {
	case l.Days == 1 && l.Hours == 0:
		return "1 day"
	case l.Hours == 0:
		return strconv.Itoa(l.Days) + " days"
	case l.Hours == 1:
		return "1 hour"
	}
	return strconv.Itoa(l.Hours) + " hours"
}

// Reminders queues reminder emails for confirmed places as sessions draw near.
type Reminders struct {
	DB    *store.DB
	Leads []Lead // longest first, as ParseLeads returns them
	Now   clock.Clock
	Log   *slog.Logger
}

type candidate struct {
	bookingID int64
	starts    time.Time
	created   time.Time
	done      map[int]bool
}

// Queue sends, for each confirmed booking, the reminder whose moment has passed and that
// is nearest the session, once. Reminders whose moment passed before the person booked
// (they have just had their confirmation) or that a nearer one overtook (the server was
// down) are marked done without sending. It returns how many it queued.
func (r *Reminders) Queue(ctx context.Context) (int, error) {
	if len(r.Leads) == 0 {
		return 0, nil
	}
	now := r.Now()
	longest := r.Leads[0]
	// A day of slack covers a clock change inside the longest lead.
	horizon := now.Add(time.Duration(longest.minutes())*time.Minute + 25*time.Hour)
	cands, err := r.candidates(ctx, now, horizon)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, c := range cands {
		var due *Lead
		var passed []Lead
		for i := range r.Leads {
			l := r.Leads[i]
			if !now.Before(l.Before(c.starts)) {
				passed = append(passed, l)
				due = &r.Leads[i] // leads run longest first, so the last passed is the nearest
			}
		}
		if due == nil || c.done[due.minutes()] {
			continue
		}
		send := c.created.Before(due.Before(c.starts))
		if err := r.record(ctx, c.bookingID, *due, passed, send, now); err != nil {
			return queued, err
		}
		if send {
			queued++
		}
	}
	return queued, nil
}

func (r *Reminders) candidates(ctx context.Context, now, horizon time.Time) ([]candidate, error) {
	rows, err := r.DB.R.QueryContext(ctx, `SELECT b.id, s.starts_at, b.created_at,
		COALESCE((SELECT group_concat(offset_minutes) FROM reminders_sent r WHERE r.booking_id = b.id), '')
		FROM bookings b JOIN course_sessions s ON s.id = b.session_id
		WHERE b.status = 'confirmed' AND s.status = 'scheduled' AND s.starts_at > ? AND s.starts_at <= ?
		  -- not for a place held while a manager decides (internal/booking/hold.go)
		  AND NOT EXISTS (SELECT 1 FROM approval_requests ar WHERE ar.session_id = b.session_id
		      AND ar.user_id = b.user_id AND ar.status = 'pending' AND ar.booking_id = b.id)
		ORDER BY s.starts_at, b.id`, store.FormatTime(now), store.FormatTime(horizon))
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var starts, created store.Time
		var done string
		if err := rows.Scan(&c.bookingID, &starts, &created, &done); err != nil {
			return nil, err
		}
		c.starts, c.created, c.done = starts.T, created.T, map[int]bool{}
		for _, m := range strings.Split(done, ",") {
			if n, err := strconv.Atoi(m); err == nil {
				c.done[n] = true
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// record marks every passed lead done and, when send is set, queues the reminder, all in
// one transaction: a reminder is never queued twice, even by two processes.
func (r *Reminders) record(ctx context.Context, bookingID int64, due Lead, passed []Lead, send bool, now time.Time) error {
	return r.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reminders_sent (booking_id, offset_minutes, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			bookingID, due.minutes(), store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // someone else got here first
		}
		for _, l := range passed {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reminders_sent (booking_id, offset_minutes, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				bookingID, l.minutes(), store.FormatTime(now)); err != nil {
				return err
			}
		}
		if !send {
			return nil
		}
		return EnqueueBookingTx(ctx, tx, Reminder, bookingID, Options{Lead: due.Label()}, now)
	})
}

// Run queues reminders every interval until ctx ends.
func (r *Reminders) Run(ctx context.Context, interval time.Duration) {
	r.DB.Every(ctx, "reminders", interval, r.Log, func(ctx context.Context) error { _, err := r.Queue(ctx); return err })
}
