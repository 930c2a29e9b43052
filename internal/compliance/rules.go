package compliance

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// MaxRenewMonths bounds the renewal period: 50 years is "once" in all but name.
const MaxRenewMonths = 600

// maxKeywordChars bounds the job-title words of a rule.
const maxKeywordChars = 100

// Rule says that a course is required of some people and how often it must be renewed.
type Rule struct {
	ID          int64
	CourseID    int64
	CourseTitle string
	// CourseValidityMonths is the course's own refresher period; 0: it does not expire.
	CourseValidityMonths int
	// OrgType limits the rule to one type of organisation; "" is every type.
	OrgType account.OrgType
	// JobTitleKeyword limits the rule to people whose job title contains it, ignoring
	// case; "" is every job title.
	JobTitleKeyword string
	// RenewMonths is the rule's own renewal period; 0 takes the course's validity.
	RenewMonths int
	CreatedAt   time.Time
}

// Renewal is how often the rule's course must be redone, in months; 0: once is enough.
func (r Rule) Renewal() int {
	if r.RenewMonths > 0 {
		return r.RenewMonths
	}
	return r.CourseValidityMonths
}

// RenewalLabel is the renewal in words: "Every 36 months", "Once is enough".
func (r Rule) RenewalLabel() string {
	s := MonthsLabel(r.Renewal())
	if r.RenewMonths == 0 && r.CourseValidityMonths > 0 {
		s += " (the course's own period)"
	}
	return s
}

// MonthsLabel words a renewal period: "Every 36 months", "Every month", "Once is enough".
func MonthsLabel(months int) string {
	switch months {
	case 0:
		return "Once is enough"
	case 1:
		return "Every month"
	}
	return "Every " + strconv.Itoa(months) + " months"
}

// WhoLabel says whom the rule covers: "Everyone", "Children's social care staff whose job
// title contains “social worker”".
func (r Rule) WhoLabel() string {
	who := "Staff of every type of organisation"
	if r.OrgType != "" {
		who = r.OrgType.Label() + " staff"
	}
	if r.JobTitleKeyword != "" {
		who += " whose job title contains “" + r.JobTitleKeyword + "”"
	}
	return who
}

// applies reports whether the rule covers a person of an organisation type whose job
// title, lower-cased, is jobLower. keywordLower is the rule's keyword, lower-cased.
func applies(r Rule, keywordLower string, orgType account.OrgType, jobLower string) bool {
	if r.OrgType != "" && r.OrgType != orgType {
		return false
	}
	return keywordLower == "" || strings.Contains(jobLower, keywordLower)
}

// RuleInput is what an admin types to add a rule.
type RuleInput struct {
	CourseID        int64
	OrgType         account.OrgType // "" for every type
	JobTitleKeyword string
	RenewMonths     int // 0: the course's own validity (once, when it has none)
}

// Check normalises the input and returns what is wrong with it, field by field, without
// touching the database; CreateRule checks it again together with the stored rules.
func (in *RuleInput) Check() problem.Validation {
	v := problem.Validation{}
	in.JobTitleKeyword = strings.Join(strings.Fields(in.JobTitleKeyword), " ")
	if in.CourseID <= 0 {
		v.Add("course_id", "Choose the course that is required")
	}
	if in.OrgType != "" && !slices.Contains(account.OrgTypes, in.OrgType) {
		v.Add("org_type", "Choose a type of organisation, or all types")
	}
	v.CheckLine("job_title_keyword", in.JobTitleKeyword, "The job title words", maxKeywordChars)
	switch {
	case in.RenewMonths < 0:
		v.Add("renew_months", "Enter the number of months as a whole number from 1 to 600, or leave it blank")
	case in.RenewMonths > MaxRenewMonths:
		v.Add("renew_months", "Renewal must be every 600 months (50 years) or fewer; leave it blank if the course does not expire")
	}
	return v
}

// errDuplicateRule refuses a second rule for the same course and the same people.
var errDuplicateRule = problem.Validation{"course_id": "That course is already required of these people. " +
	"Delete the existing rule first if you want to change how often it is renewed"}

// CreateRule validates and stores a rule.
func (s *Service) CreateRule(ctx context.Context, in RuleInput) (int64, error) {
	if err := in.Check().Err(); err != nil {
		return 0, err
	}
	var orgType, renew any
	if in.OrgType != "" {
		orgType = string(in.OrgType)
	}
	if in.RenewMonths > 0 {
		renew = in.RenewMonths
	}
	var id int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var courses int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM courses WHERE id = ?`, in.CourseID).Scan(&courses); err != nil {
			return err
		}
		if courses == 0 {
			return problem.Validation{"course_id": "Choose the course that is required"}.Err()
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM required_training WHERE course_id = ?
			AND org_type IS NOT DISTINCT FROM ? AND lower(job_title_keyword) = lower(?)`, in.CourseID, orgType, in.JobTitleKeyword).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return errDuplicateRule.Err()
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO required_training (course_id, org_type, job_title_keyword, renew_months, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, in.CourseID, orgType, in.JobTitleKeyword, renew, store.FormatTime(s.Now())).Scan(&id)
		if err != nil {
			return err
		}
		return nil
	})
	return id, err
}

// DeleteRule removes a rule; the training stops being required of the people it covered
// (unless another rule requires it).
func (s *Service) DeleteRule(ctx context.Context, id int64) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM required_training WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

const ruleColumns = `r.id, r.course_id, c.title, COALESCE(c.validity_months, 0), COALESCE(r.org_type, ''),
	r.job_title_keyword, COALESCE(r.renew_months, 0), r.created_at`

// Rules lists every rule by course title, then organisation type and job title words.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	return s.rules(ctx, s.DB.R, ``)
}

// Rule loads one rule.
func (s *Service) Rule(ctx context.Context, id int64) (Rule, error) {
	list, err := s.rules(ctx, s.DB.R, `WHERE r.id = ?`, id)
	if err != nil {
		return Rule{}, err
	}
	if len(list) == 0 {
		return Rule{}, store.ErrNotFound
	}
	return list[0], nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Service) rules(ctx context.Context, q querier, where string, args ...any) ([]Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleColumns+` FROM required_training r JOIN courses c ON c.id = r.course_id `+
		where+` ORDER BY c.title COLLATE NOCASE, c.id, COALESCE(r.org_type, ''), lower(r.job_title_keyword), r.id`, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		var created store.Time
		if err := rows.Scan(&r.ID, &r.CourseID, &r.CourseTitle, &r.CourseValidityMonths, &r.OrgType,
			&r.JobTitleKeyword, &r.RenewMonths, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = created.T
		out = append(out, r)
	}
	return out, rows.Err()
}
