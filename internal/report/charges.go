package report

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// ChargeReason says why a charge is made.
type ChargeReason string

// The two reasons a course may charge for.
const (
	ReasonDNA  ChargeReason = "dna"
	ReasonLate ChargeReason = "late"
)

// Label is the reason in plain English, as an invoice line says it.
func (r ChargeReason) Label() string {
	if r == ReasonLate {
		return "Late cancellation"
	}
	return "Did not attend"
}

// OrgCharges is what one organisation owes for the period.
type OrgCharges struct {
	OrgID     int64
	Name      string
	Type      account.OrgType
	DNACount  int
	DNAPence  int64
	LateCount int
	LatePence int64
}

// TotalPence is the organisation's total.
func (o OrgCharges) TotalPence() int64 { return o.DNAPence + o.LatePence }

// ChargeItem is one line of an organisation's invoice.
type ChargeItem struct {
	BookingID   int64
	OrgID       int64
	OrgName     string
	OrgType     account.OrgType
	PersonName  string
	Email       string
	CourseID    int64
	CourseTitle string
	SessionID   int64
	StartsAt    time.Time
	Reason      ChargeReason
	Pence       int64
}

// StartsLondon is the session's start as shown.
func (i ChargeItem) StartsLondon() time.Time { return i.StartsAt.In(clock.London) }

// chargeable selects bookings that carry a charge, with b, c (course) and r (register,
// LEFT JOINed); reason and amount are computed by chargeColumns.
const chargeable = `((b.status = 'confirmed' AND b.walk_in = 0 AND b.attendance = 'absent' AND r.status = 'submitted'
		AND c.charge_dna_pence > 0)
	OR (b.status = 'late_cancelled' AND b.walk_in = 0 AND c.charge_late_pence > 0))`

// ChargeTotals lists what each organisation owes for the period, by name; organisations
// that owe nothing are left out.
func (s *Service) ChargeTotals(ctx context.Context, p Period) ([]OrgCharges, error) {
	from, to := bounds(p, s.Now())
	var out []OrgCharges
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, o.type,
			COUNT(*) FILTER (WHERE b.status = 'confirmed'), SUM(CASE WHEN b.status = 'confirmed' THEN c.charge_dna_pence ELSE 0 END),
			COUNT(*) FILTER (WHERE b.status = 'late_cancelled'), SUM(CASE WHEN b.status = 'late_cancelled' THEN c.charge_late_pence ELSE 0 END)
			FROM course_sessions s
			JOIN courses c ON c.id = s.course_id
			JOIN bookings b ON b.session_id = s.id AND b.status IN ('confirmed', 'late_cancelled')
			JOIN users u ON u.id = b.user_id
			JOIN organisations o ON o.id = u.organisation_id
			LEFT JOIN registers r ON r.session_id = s.id
			WHERE `+heldSessions+` AND `+chargeable+`
			GROUP BY o.id
			ORDER BY o.name COLLATE NOCASE, o.id`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o OrgCharges
			if err := rows.Scan(&o.OrgID, &o.Name, &o.Type, &o.DNACount, &o.DNAPence, &o.LateCount, &o.LatePence); err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}

// ChargeItems lists the invoice lines for the period, by organisation, date and person;
// orgID 0 means every organisation.
func (s *Service) ChargeItems(ctx context.Context, p Period, orgID int64) ([]ChargeItem, error) {
	from, to := bounds(p, s.Now())
	var out []ChargeItem
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT b.id, o.id, o.name, o.type, u.name, u.email, c.id, c.title, s.id, s.starts_at,
			CASE WHEN b.status = 'late_cancelled' THEN 'late' ELSE 'dna' END,
			CASE WHEN b.status = 'late_cancelled' THEN c.charge_late_pence ELSE c.charge_dna_pence END
			FROM course_sessions s
			JOIN courses c ON c.id = s.course_id
			JOIN bookings b ON b.session_id = s.id AND b.status IN ('confirmed', 'late_cancelled')
			JOIN users u ON u.id = b.user_id
			JOIN organisations o ON o.id = u.organisation_id
			LEFT JOIN registers r ON r.session_id = s.id
			WHERE `+heldSessions+` AND `+chargeable+` AND (? = 0 OR o.id = ?)
			ORDER BY o.name COLLATE NOCASE, o.id, s.starts_at, s.id, u.name COLLATE NOCASE, b.id`, from, to, orgID, orgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i ChargeItem
			var starts store.Time
			if err := rows.Scan(&i.BookingID, &i.OrgID, &i.OrgName, &i.OrgType, &i.PersonName, &i.Email, &i.CourseID,
				&i.CourseTitle, &i.SessionID, &starts, &i.Reason, &i.Pence); err != nil {
				return err
			}
			i.StartsAt = starts.T
			out = append(out, i)
		}
		return rows.Err()
	})
	return out, err
}

// SumPence adds up what a list of organisations owes.
func SumPence(orgs []OrgCharges) int64 {
	var n int64
	for _, o := range orgs {
		n += o.TotalPence()
	}
	return n
}
