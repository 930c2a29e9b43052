package attendance

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// OnlineRule turns someone's time in an online session into the mark proposed for them
// when a meeting's attendance report is read. The trainer still confirms every mark.
type OnlineRule struct {
	// AttendedPercent of the session's length or more: attended.
	AttendedPercent int
	// PartialPercent or more (but under AttendedPercent): partly attended; 0 means any
	// time at all. Less: did not attend.
	PartialPercent int
}

// DefaultOnlineRule applies to a course that has not set its own.
var DefaultOnlineRule = OnlineRule{AttendedPercent: 80, PartialPercent: 0}

// Propose is the mark for time in a session of the given length.
func (r OnlineRule) Propose(in, length time.Duration) Mark {
	switch {
	case in <= 0 || length <= 0:
		return Absent
	case in*100 >= length*time.Duration(r.AttendedPercent):
		return Attended
	case in*100 >= length*time.Duration(r.PartialPercent):
		return Partial
	}
	return Absent
}

// Describe says the rule in plain English.
func (r OnlineRule) Describe() string {
	partial := "any time less than that is partly attended"
	if r.PartialPercent > 0 {
		partial = "at least " + strconv.Itoa(r.PartialPercent) + "% is partly attended"
	}
	return "At least " + strconv.Itoa(r.AttendedPercent) + "% of the session is attended; " + partial + "."
}

// ParseOnlineRule reads the rule's form fields, naming each field that is wrong.
func ParseOnlineRule(attended, partial string) (OnlineRule, error) {
	v := problem.Validation{}
	a, errA := strconv.Atoi(strings.TrimSpace(attended))
	p, errP := strconv.Atoi(strings.TrimSpace(partial))
	switch {
	case errA != nil:
		v.Add("attended_percent", "Enter the share of the session that counts as attended, as a whole number from 1 to 100")
	case a < 1 || a > 100:
		v.Add("attended_percent", "The share that counts as attended must be from 1 to 100")
	}
	switch {
	case strings.TrimSpace(partial) == "":
		p, errP = 0, nil
	case errP != nil:
		v.Add("partial_percent", "Enter the share that counts as partly attended as a whole number, or 0 for any time at all")
	case p < 0 || p > 99:
		v.Add("partial_percent", "The share that counts as partly attended must be from 0 to 99")
	case errA == nil && p >= a:
		v.Add("partial_percent", "The share for partly attended must be less than the share for attended")
	}
	return OnlineRule{AttendedPercent: a, PartialPercent: p}, v.Err()
}

// OnlineRule reads a course's rule, or the default when it has none.
func (s *Service) OnlineRule(ctx context.Context, courseID int64) (OnlineRule, error) {
	return onlineRule(ctx, s.DB.R, courseID)
}

// OnlineRuleTx reads a course's rule inside a transaction, for the audit trail.
func OnlineRuleTx(ctx context.Context, tx *sql.Tx, courseID int64) (OnlineRule, error) {
	return onlineRule(ctx, tx, courseID)
}

func onlineRule(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, courseID int64) (OnlineRule, error) {
	var r OnlineRule
	err := q.QueryRowContext(ctx, `SELECT attended_percent, partial_percent FROM course_online_rules WHERE course_id = ?`,
		courseID).Scan(&r.AttendedPercent, &r.PartialPercent)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultOnlineRule, nil
	}
	return r, store.Classify(err)
}

// SetOnlineRule keeps a course's rule.
func (s *Service) SetOnlineRule(ctx context.Context, courseID int64, r OnlineRule, actorID int64) error {
	if _, err := ParseOnlineRule(strconv.Itoa(r.AttendedPercent), strconv.Itoa(r.PartialPercent)); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO course_online_rules (course_id, attended_percent, partial_percent, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (course_id) DO UPDATE SET attended_percent = excluded.attended_percent,
				partial_percent = excluded.partial_percent, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			courseID, r.AttendedPercent, r.PartialPercent, store.FormatTime(s.Now()), actorID)
		return err
	})
}
