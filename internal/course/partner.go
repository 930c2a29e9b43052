package course

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Training partners deliver courses on the partnership's programme. Every function here
// takes the partner's organisation from the signed-in account and treats another
// organisation's course or session exactly like one that does not exist
// (store.ErrNotFound), so ids of other partners' work are never confirmed.

// ErrNotPartner refuses partner actions to an organisation that is not a training partner.
var ErrNotPartner = problem.New(http.StatusForbidden, "not_a_partner",
	"Your account is not linked to a training partner organisation. Ask the partnership's training team to check it.")

// ErrNotPending refuses an approval decision on a course that is not waiting for one.
var ErrNotPending = problem.Conflict("not_pending", "This course is not waiting for approval.")

// MaxDatesAtOnce bounds how many sessions one request may post.
const MaxDatesAtOnce = 20

// CreatePartnerCourse adds a course delivered by the partner. It waits for an admin's
// approval (hidden, as a draft) unless autoLive, the partnership's setting, lets it go live
// at once. Manager approval and charges are the partnership's to set, so they start off.
func (s *Service) CreatePartnerCourse(ctx context.Context, partnerOrgID int64, in CourseInput, autoLive bool) (int64, error) {
	if partnerOrgID <= 0 {
		return 0, ErrNotPartner
	}
	in.ProviderID = partnerOrgID
	in.ManagerApproval, in.ApprovalHoldDays, in.ChargeDNAPence, in.ChargeLatePence = false, 0, 0, 0
	in.Status, in.Approval = Draft, Pending
	if autoLive {
		in.Status, in.Approval = Published, Approved
	}
	if err := in.validate(); err != nil {
		return 0, err
	}
	var typ string
	err := s.DB.R.QueryRowContext(ctx, `SELECT type FROM organisations WHERE id = ?`, partnerOrgID).Scan(&typ)
	if err == sql.ErrNoRows || (err == nil && typ != "training_partner") {
		return 0, ErrNotPartner
	}
	if err != nil {
		return 0, store.Classify(err)
	}
	return s.CreateCourse(ctx, in)
}

// UpdatePartnerCourse changes the details of one of the partner's courses. Its listing
// status, provider, manager approval and charges stay as they are. A course waiting for
// approval keeps waiting; a course that was not approved goes back to waiting, so the
// admin sees the new version; an approved course stays approved.
func (s *Service) UpdatePartnerCourse(ctx context.Context, partnerOrgID, id int64, in CourseInput) error {
	if _, err := s.PartnerCourse(ctx, partnerOrgID, id); err != nil {
		return err
	}
	in.ProviderID = partnerOrgID
	if err := in.validate(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE courses SET title=?, summary=?, description=?, audience=?,
			duration_minutes=?, validity_months=?, requires_evaluation=?,
			approval = CASE approval WHEN 'rejected' THEN 'pending' ELSE approval END, updated_at=?
			WHERE id=? AND provider_organisation_id=?`,
			in.Title, in.Summary, in.Description, in.Audience, in.DurationMinutes, nullInt(int64(in.ValidityMonths)),
			in.RequiresEvaluation, store.FormatTime(s.Now()), id, partnerOrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return writeTopics(ctx, tx, id, in.Topics)
	})
}

// PartnerCourses lists the courses the organisation delivers, whatever their state.
func (s *Service) PartnerCourses(ctx context.Context, orgID int64) ([]Course, error) {
	if orgID <= 0 {
		return nil, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+courseColumns+`
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id
		WHERE c.provider_organisation_id = ? ORDER BY c.title COLLATE NOCASE, c.id`, orgID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Course
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PartnerCourse loads one of the organisation's courses; any other is not found.
func (s *Service) PartnerCourse(ctx context.Context, orgID, id int64) (Course, error) {
	c, err := s.Course(ctx, id)
	if err != nil {
		return Course{}, err
	}
	if orgID <= 0 || c.ProviderID != orgID {
		return Course{}, store.ErrNotFound
	}
	return c, nil
}

// PartnerSession loads a session of one of the organisation's courses; any other is not
// found.
func (s *Service) PartnerSession(ctx context.Context, orgID, id int64) (Session, error) {
	sess, err := s.Session(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if orgID <= 0 || sess.ProviderID != orgID {
		return Session{}, store.ErrNotFound
	}
	return sess, nil
}

// PartnerSessions lists the sessions of the organisation's courses in start order: of one
// course when courseID is not 0, and only those not yet over unless includePast.
func (s *Service) PartnerSessions(ctx context.Context, orgID, courseID int64, includePast bool) ([]Session, error) {
	if orgID <= 0 {
		return nil, nil
	}
	q := `SELECT ` + sessionColumns + ` FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE c.provider_organisation_id = ?`
	args := []any{orgID}
	if courseID != 0 {
		q += ` AND s.course_id = ?`
		args = append(args, courseID)
	}
	if !includePast {
		q += ` AND s.ends_at > ?`
		args = append(args, store.FormatTime(s.Now()))
	}
	q += ` ORDER BY s.starts_at, s.id LIMIT 1000`
	return s.querySessions(ctx, q, args...)
}

// DateField names field of the i-th (from 0) date in a batch: "dates[2].starts_at".
func DateField(i int, field string) string { return fmt.Sprintf("dates[%d].%s", i, field) }

// CreatePartnerSessions posts one or several dates of the partner's course in one
// transaction: every date is checked first and, if any is wrong, nothing is created and
// each error names its date (DateField). A course that is not the partner's is not found.
// Dates of an approved course are bookable at once; those of a course waiting for approval
// go live with it. Trainers are the partnership's to assign.
func (s *Service) CreatePartnerSessions(ctx context.Context, orgID, courseID int64, ins []SessionInput) ([]int64, error) {
	if _, err := s.PartnerCourse(ctx, orgID, courseID); err != nil {
		return nil, err
	}
	switch {
	case len(ins) == 0:
		return nil, problem.Validation{"dates": "Enter at least one date"}.Err()
	case len(ins) > MaxDatesAtOnce:
		return nil, problem.Validation{"dates": fmt.Sprintf("Enter at most %d dates at a time", MaxDatesAtOnce)}.Err()
	}
	return s.createPartnerSessions(ctx, orgID, courseID, ins, DateField)
}

// CreatePartnerSession posts a single date (in.CourseID names the course), with errors
// named by plain field: the API's POST /sessions for a partner.
func (s *Service) CreatePartnerSession(ctx context.Context, orgID int64, in SessionInput) (int64, error) {
	if in.CourseID > 0 {
		if _, err := s.PartnerCourse(ctx, orgID, in.CourseID); err != nil {
			return 0, err
		}
	}
	ids, err := s.createPartnerSessions(ctx, orgID, in.CourseID, []SessionInput{in}, func(_ int, f string) string { return f })
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// CheckPartnerSessions applies CreatePartnerSessions' rules to the dates without creating
// anything, so a form can report every wrong date at once, even alongside mistakes it
// found itself.
func (s *Service) CheckPartnerSessions(ctx context.Context, orgID, courseID int64, ins []SessionInput) error {
	if _, err := s.PartnerCourse(ctx, orgID, courseID); err != nil {
		return err
	}
	return checkBatch(append([]SessionInput(nil), ins...), courseID, s.Now(), DateField)
}

// checkBatch normalises and validates each date, naming errors with field.
func checkBatch(ins []SessionInput, courseID int64, now time.Time, field func(int, string) string) error {
	v := problem.Validation{}
	first := map[int64]bool{} // starts seen, in Unix seconds
	for i := range ins {
		in := &ins[i]
		in.CourseID = courseID
		in.normalise()
		if err := in.validate(now, 0, time.Time{}); err != nil {
			pe, _ := problem.From(err)
			for f, msg := range pe.Fields {
				v.Add(field(i, f), msg)
			}
		}
		if len(in.TrainerIDs) > 0 {
			v.Add(field(i, "trainer_ids"), "Trainers are assigned by the partnership's training team: leave them out")
		}
		if in.StartsAt.IsZero() {
			continue
		}
		if first[in.StartsAt.Unix()] {
			v.Add(field(i, "starts_at"), "This date and time is already in the list: enter each date once")
		}
		first[in.StartsAt.Unix()] = true
	}
	return v.Err()
}

func (s *Service) createPartnerSessions(ctx context.Context, orgID, courseID int64, ins []SessionInput, field func(int, string) string) ([]int64, error) {
	now := s.Now()
	if err := checkBatch(ins, courseID, now, field); err != nil {
		return nil, err
	}
	var ids []int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM courses WHERE id = ? AND provider_organisation_id = ?`,
			courseID, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		stamp := store.FormatTime(now)
		for _, in := range ins {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO course_sessions (course_id, starts_at, ends_at, online, venue,
				online_url, capacity, min_places, booking_closes_at, cancel_cutoff_at, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`, in.CourseID, store.FormatTime(in.StartsAt), store.FormatTime(in.EndsAt),
				in.Online, in.Venue, in.OnlineURL, in.Capacity, in.MinPlaces, store.FormatTime(in.BookingClosesAt),
				store.FormatTime(in.CancelCutoffAt), stamp, stamp).Scan(&id)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// UpdatePartnerSession moves or changes one of the partner's sessions. It is UpdateSession
// (updated invites to everyone booked, promotion when places are added) behind the
// organisation check; in.TrainerIDs must be nil, as trainers are the partnership's.
func (s *Service) UpdatePartnerSession(ctx context.Context, orgID, id int64, in SessionInput, actorID int64) error {
	if _, err := s.PartnerSession(ctx, orgID, id); err != nil {
		return err
	}
	if in.TrainerIDs != nil {
		return problem.Validation{"trainer_ids": "Trainers are assigned by the partnership's training team: leave them out"}.Err()
	}
	return s.UpdateSession(ctx, id, in, actorID)
}

// CancelPartnerSession cancels one of the partner's sessions and every booking on it,
// sending cancellations. Partners must say why: the reason goes to everyone booked.
func (s *Service) CancelPartnerSession(ctx context.Context, orgID, id int64, reason string, actorID int64) error {
	if _, err := s.PartnerSession(ctx, orgID, id); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return problem.Validation{"reason": "Enter why the session is cancelled: we tell everyone who booked"}.Err()
	}
	return s.CancelSession(ctx, id, reason, actorID)
}

// PendingCourse is a partner's course waiting for an admin's decision.
type PendingCourse struct {
	Course
	SubmittedAt time.Time // when it was added or last changed
	Contacts    string    // the organisation's partner accounts, "Name (email); ..."
	Sessions    int       // dates already posted, which go live with the course
}

// extraScan appends more destinations to a row's Scan, so scanCourse can read a course
// followed by extra columns.
type extraScan struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

// PendingCourses lists the courses waiting for approval, longest waiting first.
func (s *Service) PendingCourses(ctx context.Context) ([]PendingCourse, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+courseColumns+`, c.updated_at,
		COALESCE((SELECT group_concat(u.name || ' (' || u.email || ')', '; ') FROM users u
		          JOIN user_roles r ON r.user_id = u.id AND r.role = 'partner'
		          WHERE u.organisation_id = c.provider_organisation_id AND u.active = 1), ''),
		(SELECT count(*) FROM course_sessions s WHERE s.course_id = c.id AND s.status = 'scheduled')
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id
		WHERE c.approval = 'pending' ORDER BY c.updated_at, c.id`)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []PendingCourse
	for rows.Next() {
		var p PendingCourse
		var at store.Time
		if p.Course, err = scanCourse(extraScan{rows, []any{&at, &p.Contacts, &p.Sessions}}); err != nil {
			return nil, err
		}
		p.SubmittedAt = at.T
		out = append(out, p)
	}
	return out, rows.Err()
}

// ApproveCourse lists a partner's course: approved and published, so its dates can be
// booked. A course that was not approved may still be approved later.
func (s *Service) ApproveCourse(ctx context.Context, id int64) error {
	return s.decide(ctx, id, func(tx *sql.Tx, approval Approval) error {
		if approval == Approved {
			return ErrNotPending
		}
		_, err := tx.ExecContext(ctx, `UPDATE courses SET approval = 'approved', status = 'published', approval_note = '',
			updated_at = ? WHERE id = ?`, store.FormatTime(s.Now()), id)
		return err
	})
}

// RejectCourse turns down a course waiting for approval, with the reason the partner sees.
// It stays hidden; the partner may change it, which sends it back for approval.
func (s *Service) RejectCourse(ctx context.Context, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return problem.Validation{"reason": "Enter why the course is not approved: the partner sees this"}.Err()
	case utf8.RuneCountInString(reason) > 1000:
		return problem.Validation{"reason": "Reason must be 1,000 characters or fewer"}.Err()
	}
	return s.decide(ctx, id, func(tx *sql.Tx, approval Approval) error {
		if approval != Pending {
			return ErrNotPending
		}
		_, err := tx.ExecContext(ctx, `UPDATE courses SET approval = 'rejected', status = 'draft', approval_note = ?,
			updated_at = ? WHERE id = ?`, reason, store.FormatTime(s.Now()), id)
		return err
	})
}

func (s *Service) decide(ctx context.Context, id int64, fn func(*sql.Tx, Approval) error) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		var approval Approval
		if err := tx.QueryRowContext(ctx, `SELECT approval FROM courses WHERE id = ?`, id).Scan(&approval); err != nil {
			return err
		}
		return fn(tx, approval)
	})
}
