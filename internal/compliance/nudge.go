package compliance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// A manager can nudge a member of staff about required training two ways besides booking
// them a place: nominate them for a session (an email with a link to book it themselves),
// or remind them what is due. Both go through the outbox; package notify words them.
const (
	// NominationKind is the email nominating someone for a session.
	NominationKind outbox.Kind = "staff_nominated"
	// TrainingDueKind is a manager's reminder of the training due.
	TrainingDueKind outbox.Kind = "training_due"
)

// Nomination is what a nomination email says, frozen when it was queued. It travels in
// outbox.Payload.Data.
type Nomination struct {
	ManagerName string    `json:"manager_name"`
	PersonName  string    `json:"person_name"`
	SessionID   int64     `json:"session_id"`
	CourseID    int64     `json:"course_id"`
	CourseTitle string    `json:"course_title"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Online      bool      `json:"online"`
	Venue       string    `json:"venue"`
}

// TrainingDue is what a reminder email says: the courses required of the person that are
// not current and not booked.
type TrainingDue struct {
	ManagerName string    `json:"manager_name"`
	PersonName  string    `json:"person_name"`
	Items       []DueItem `json:"items"`
}

// DueItem is one course due.
type DueItem struct {
	CourseID  int64     `json:"course_id"`
	Course    string    `json:"course"`
	State     State     `json:"state"`
	ExpiresOn time.Time `json:"expires_on,omitempty"` // zero: never done
}

// Due lists the courses required of p that need doing: expired, expiring, never done, or
// only on a waiting list. Courses line up with p.Cells.
func Due(p Person, courses []Course) []DueItem {
	var out []DueItem
	for j, c := range p.Cells {
		if c.Required && c.State != Current && c.State != Booked {
			out = append(out, DueItem{CourseID: courses[j].ID, Course: courses[j].Title, State: c.State, ExpiresOn: c.ExpiresOn})
		}
	}
	return out
}

// ErrNothingDue refuses a reminder to someone with nothing to do.
var ErrNothingDue = problem.New(http.StatusConflict, "nothing_due",
	"Nothing required of this person is due, so there is nothing to remind them about.")

// ErrSessionNotOpen refuses a nomination for a session that cannot be booked.
var ErrSessionNotOpen = problem.Validation{"session_id": "Choose a session that is still open for booking"}.Err()

// Remind queues an email to the person naming the required training they need to do. A
// person gets at most one such reminder a day (London), whoever sends it: sent is false
// when one had already gone today. scopeOrgID is the organisation the manager may act on
// (0: any, for admins); anyone outside it is store.ErrNotFound. p is the person reminded.
func (s *Service) Remind(ctx context.Context, scopeOrgID int64, manager *account.User, personID int64) (p Person, sent bool, err error) {
	m, err := s.Person(ctx, scopeOrgID, personID)
	if err != nil {
		return p, false, err
	}
	p = m.People[0]
	items := Due(p, m.Courses)
	if len(items) == 0 {
		return p, false, ErrNothingDue
	}
	data, err := json.Marshal(TrainingDue{ManagerName: manager.Name, PersonName: p.Name, Items: items})
	if err != nil {
		return p, false, err
	}
	now := s.Now()
	day := now.In(clock.London).Format("2006-01-02")
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO staff_reminders (user_id, day, manager_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			p.ID, day, manager.ID, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err := outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: TrainingDueKind, UserID: p.ID, ToEmail: p.Email, ToName: p.Name,
			Payload: outbox.Payload{Data: data}}, now); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return p, sent, err
}

// RemindedToday lists who among the organisation's staff has had a reminder today
// (London), so the page can say so instead of offering another.
func (s *Service) RemindedToday(ctx context.Context, orgID int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := s.scan(ctx, `SELECT r.user_id FROM staff_reminders r JOIN users u ON u.id = r.user_id
		WHERE r.day = ? AND u.organisation_id = ?`, []any{s.Now().In(clock.London).Format("2006-01-02"), orgID},
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	return out, err
}

// Nominate queues an email to the person asking them to book a place on the session
// themselves. The session must be open for booking (scheduled, published, not started,
// booking not closed). scopeOrgID is as for Remind. A person gets at most one nomination
// for a session a day (London), whoever sends it: sent is false when one had already been
// queued today, and nothing more is queued.
func (s *Service) Nominate(ctx context.Context, scopeOrgID int64, manager *account.User, personID, sessionID int64) (n Nomination, sent bool, err error) {
	m, err := s.Person(ctx, scopeOrgID, personID)
	if err != nil {
		return Nomination{}, false, err
	}
	p := m.People[0]
	now := s.Now()
	n = Nomination{ManagerName: manager.Name, PersonName: p.Name, SessionID: sessionID}
	var starts, ends store.Time
	err = s.DB.R.QueryRowContext(ctx, `SELECT c.id, c.title, s.starts_at, s.ends_at, s.online, s.venue
		FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE s.id = ? AND s.status = 'scheduled' AND c.status = 'published' AND c.approval = 'approved'
		AND s.starts_at > ? AND s.booking_closes_at > ?`, sessionID, store.FormatTime(now), store.FormatTime(now)).
		Scan(&n.CourseID, &n.CourseTitle, &starts, &ends, &n.Online, &n.Venue)
	if errors.Is(err, sql.ErrNoRows) {
		return Nomination{}, false, ErrSessionNotOpen
	}
	if err != nil {
		return Nomination{}, false, store.Classify(err)
	}
	n.StartsAt, n.EndsAt = starts.T, ends.T
	data, err := json.Marshal(n)
	if err != nil {
		return Nomination{}, false, err
	}
	dayStart, dayEnd := londonDay(now)
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		// The check and the insert share one write transaction, so two clicks at once
		// still queue one email.
		var already bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE created_at >= ? AND created_at < ?
			AND kind = ? AND user_id = ? AND session_id = ?)`, store.FormatTime(dayStart), store.FormatTime(dayEnd),
			NominationKind, p.ID, sessionID).Scan(&already); err != nil || already {
			return err
		}
		if _, err := outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: NominationKind, UserID: p.ID, SessionID: sessionID,
			ToEmail: p.Email, ToName: p.Name, Payload: outbox.Payload{Data: data}, ExpiresAt: n.StartsAt}, now); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return n, sent, err
}

// NominatedToday lists the sessions the person has been nominated for today (London), so
// the page can say so instead of offering another.
func (s *Service) NominatedToday(ctx context.Context, personID int64) (map[int64]bool, error) {
	dayStart, dayEnd := londonDay(s.Now())
	out := map[int64]bool{}
	err := s.scan(ctx, `SELECT DISTINCT session_id FROM outbox WHERE created_at >= ? AND created_at < ?
		AND kind = ? AND user_id = ?`, []any{store.FormatTime(dayStart), store.FormatTime(dayEnd), NominationKind, personID},
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	return out, err
}

// londonDay is the London calendar day holding t, as the UTC instants it starts and ends.
func londonDay(t time.Time) (start, end time.Time) {
	l := t.In(clock.London)
	y, m, d := l.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, clock.London).UTC(), time.Date(y, m, d+1, 0, 0, 0, 0, clock.London).UTC()
}
