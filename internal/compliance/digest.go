package compliance

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// DigestKind is the outbox kind of the managers' weekly digest; package notify words it.
const DigestKind outbox.Kind = "manager_digest"

// DigestHour is when, on Monday in Europe/London, the week's digests become due.
const DigestHour = 8

// DigestItemLimit caps the lines of one digest; the rest are counted and the email points
// to the matrix, which has them all.
const DigestItemLimit = 100

// Digest is what a manager's weekly email says, frozen when it was queued. It travels in
// outbox.Payload.Data.
type Digest struct {
	Week         string       `json:"week"` // ISO week in London, e.g. 2026-W48
	ManagerName  string       `json:"manager_name"`
	Organisation string       `json:"organisation"`
	Expired      int          `json:"expired"`  // courses expired, across all staff
	Expiring     int          `json:"expiring"` // courses expiring within 90 days
	People       int          `json:"people"`   // people with either
	Items        []DigestItem `json:"items"`    // at most DigestItemLimit, expired first
	More         int          `json:"more"`     // items left out
}

// DigestItem is one line: a person, a course, its state and the date it lapsed or lapses.
type DigestItem struct {
	PersonID  int64     `json:"person_id"`
	Name      string    `json:"name"`
	Course    string    `json:"course"`
	State     State     `json:"state"` // expired or expiring
	ExpiresOn time.Time `json:"expires_on"`
}

// DigestFor lists what a manager of m's organisation should hear about: required
// training that has expired or expires within 90 days and is not booked. nil when there
// is nothing.
func DigestFor(m *Matrix) *Digest {
	d := &Digest{Organisation: m.Organisation.Name}
	var items []DigestItem
	for _, p := range m.People {
		counted := false
		for j, c := range p.Cells {
			if !c.Required || !c.State.Attention() {
				continue
			}
			if c.State == Expired {
				d.Expired++
			} else {
				d.Expiring++
			}
			if !counted {
				d.People++
				counted = true
			}
			items = append(items, DigestItem{PersonID: p.ID, Name: p.Name, Course: m.Courses[j].Title, State: c.State, ExpiresOn: c.ExpiresOn})
		}
	}
	if len(items) == 0 {
		return nil
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.State != b.State {
			return a.State == Expired
		}
		return a.ExpiresOn.Before(b.ExpiresOn)
	})
	if len(items) > DigestItemLimit {
		d.More = len(items) - DigestItemLimit
		items = items[:DigestItemLimit]
	}
	d.Items = items
	return d
}

// DigestWeek names the ISO week (in Europe/London) that now falls in, as "2026-W48", and
// says whether its digests are due: from DigestHour on its Monday, London time, whether
// that is 08:00 or 07:00 UTC. until is when the week's digests stop being worth sending:
// the next week's.
func DigestWeek(now time.Time) (week string, due bool, until time.Time) {
	l := now.In(clock.London)
	y, w := l.ISOWeek()
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	monday := time.Date(l.Year(), l.Month(), l.Day()-back, DigestHour, 0, 0, 0, clock.London)
	next := time.Date(l.Year(), l.Month(), l.Day()-back+7, DigestHour, 0, 0, 0, clock.London)
	return fmt.Sprintf("%04d-W%02d", y, w), !l.Before(monday), next.UTC()
}

// Digests queues each manager's weekly digest: once the week's digests are due, every
// active manager who has not had this week's gets one, listing their own organisation's
// staff whose required training is expired or expiring. A manager with nothing to hear
// about gets no email; either way the week is marked done for them (digests_sent), in the
// same transaction as the outbox row, so no manager gets two in one week, even with two
// processes running.
type Digests struct {
	DB         *store.DB
	Compliance *Service
	Now        clock.Clock
	Log        *slog.Logger
}

type digestManager struct {
	id, orgID   int64
	name, email string
}

// Queue does the work that is due and returns how many digests it queued.
func (d *Digests) Queue(ctx context.Context) (int, error) {
	now := d.Now()
	week, due, until := DigestWeek(now)
	if !due {
		return 0, nil
	}
	managers, err := d.waiting(ctx, week)
	if err != nil {
		return 0, err
	}
	svc := d.Compliance
	if svc == nil {
		svc = NewService(d.DB, d.Now)
	}
	queued := 0
	var m *Matrix
	for _, mgr := range managers {
		if m == nil || m.Organisation.ID != mgr.orgID { // managers come by organisation
			if m, err = svc.Matrix(ctx, mgr.orgID); err != nil {
				return queued, err
			}
		}
		digest := DigestFor(m)
		var row *outbox.Row
		if digest != nil {
			digest.Week, digest.ManagerName = week, mgr.name
			data, err := json.Marshal(digest)
			if err != nil {
				return queued, err
			}
			row = &outbox.Row{Kind: DigestKind, UserID: mgr.id, ToEmail: mgr.email, ToName: mgr.name,
				Payload: outbox.Payload{Data: data}, ExpiresAt: until}
		}
		sent, err := d.record(ctx, mgr.id, week, row, now)
		if err != nil {
			return queued, err
		}
		if sent {
			queued++
		}
	}
	return queued, nil
}

// waiting lists the active managers without this week's digest, by organisation.
func (d *Digests) waiting(ctx context.Context, week string) ([]digestManager, error) {
	rows, err := d.DB.R.QueryContext(ctx, `SELECT u.id, u.organisation_id, u.name, u.email
		FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'manager'
		WHERE u.active = 1 AND NOT EXISTS (SELECT 1 FROM digests_sent s WHERE s.manager_id = u.id AND s.week = ?)
		ORDER BY u.organisation_id, u.id`, week)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []digestManager
	for rows.Next() {
		var m digestManager
		if err := rows.Scan(&m.id, &m.orgID, &m.name, &m.email); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, store.Classify(rows.Err())
}

// record marks the week done for a manager and queues row (when not nil) in one
// transaction; sent is false when someone else had already done it.
func (d *Digests) record(ctx context.Context, managerID int64, week string, row *outbox.Row, now time.Time) (sent bool, err error) {
	err = d.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO digests_sent (manager_id, week, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			managerID, week, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || row == nil {
			return nil
		}
		if _, err := outbox.EnqueueTx(ctx, tx, *row, now); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// Run queues due digests every interval until ctx ends.
func (d *Digests) Run(ctx context.Context, interval time.Duration) {
	d.DB.Every(ctx, "manager_digests", interval, d.Log, func(ctx context.Context) error { _, err := d.Queue(ctx); return err })
}
