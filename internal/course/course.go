// Package course holds the catalogue: courses and their dated sessions.
package course

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Status says whether a course shows in the catalogue.
type Status string

// Course statuses: only published courses are listed and bookable.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Archived  Status = "archived"
)

// Course is a piece of training that may run many times.
type Course struct {
	ID              int64
	Title           string
	Summary         string
	Description     string
	Audience        string
	DurationMinutes int
	ProviderID      int64 // 0 when the partnership delivers it itself
	ProviderName    string
	ValidityMonths  int // 0: never needs refreshing
	Status          Status
	Topics          []string
	// RequiresEvaluation holds the certificate back until the person has sent the
	// post-course evaluation.
	RequiresEvaluation bool
	// Approval is whether the partnership has approved a partner's course: only
	// approved, published courses are listed and bookable.
	Approval     Approval
	ApprovalNote string
	// ManagerApproval asks the person's manager to approve each booking;
	// ApprovalHoldDays holds a place meanwhile (0: no place is held).
	ManagerApproval  bool
	ApprovalHoldDays int
	// Charges for not attending, or cancelling late, in pence; 0: none.
	ChargeDNAPence  int64
	ChargeLatePence int64
	// FollowUpDays is how long after a session ends its attendees are asked whether
	// the training changed their practice (internal/impact); 0: never.
	FollowUpDays int
}

// Approval states of a course.
type Approval string

// A partner's new course is pending until an admin approves it.
const (
	Approved Approval = "approved"
	Pending  Approval = "pending"
	Rejected Approval = "rejected"
)

// Live reports whether the course shows in the catalogue and can be booked.
func (c Course) Live() bool { return c.Status == Published && c.Approval == Approved }

// Duration renders the length in plain English ("3 hours 30 minutes").
func (c Course) Duration() string { return HumanDuration(c.DurationMinutes) }

// HumanDuration renders minutes as hours and minutes.
func HumanDuration(minutes int) string {
	h, m := minutes/60, minutes%60
	var parts []string
	if h == 1 {
		parts = append(parts, "1 hour")
	} else if h > 1 {
		parts = append(parts, itoa(h)+" hours")
	}
	if m == 1 {
		parts = append(parts, "1 minute")
	} else if m > 1 {
		parts = append(parts, itoa(m)+" minutes")
	}
	return strings.Join(parts, " ")
}

// Service reads and writes courses and sessions.
type Service struct {
	DB  *store.DB
	Now clock.Clock

	cache catalogueCache
}

// NewService wires a Service.
func NewService(db *store.DB, now clock.Clock) *Service { return &Service{DB: db, Now: now} }

// CourseInput is what an admin (or later a partner) types to create or edit a course.
type CourseInput struct {
	Title           string
	Summary         string
	Description     string
	Audience        string
	DurationMinutes int
	ProviderID      int64
	ValidityMonths  int
	Status          Status
	Topics          []string
	// RequiresEvaluation: see Course.
	RequiresEvaluation bool
	ManagerApproval    bool
	ApprovalHoldDays   int
	ChargeDNAPence     int64
	ChargeLatePence    int64
	// FollowUpDays: see Course. nil leaves it as it is when editing and gives
	// DefaultFollowUpDays to a new course, so forms that do not ask (a partner's, the
	// API's) neither switch the follow-up off nor change it.
	FollowUpDays *int
	// Approval defaults to approved; partner courses pass Pending.
	Approval Approval
}

// Check applies the course rules without saving, so a form can report every mistake at
// once alongside its own parsing errors. It works on a copy: in is not changed.
func (in CourseInput) Check() error { return in.validate() }

func (in *CourseInput) validate() error {
	v := problem.Validation{}
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	if in.Title == "" {
		v.Add("title", "Enter the course title")
	}
	v.CheckLine("title", in.Title, "Title", 200)
	v.CheckLine("audience", in.Audience, "Who it is for", 300)
	if utf8.RuneCountInString(in.Summary) > 500 {
		v.Add("summary", "Summary must be 500 characters or fewer")
	}
	if len(in.Description) > 20000 {
		v.Add("description", "Description must be 20,000 characters or fewer")
	}
	if in.DurationMinutes < 15 || in.DurationMinutes > 5*24*60 {
		v.Add("duration_minutes", "Enter a duration between 15 minutes and 5 days, in minutes")
	}
	if in.ValidityMonths < 0 || in.ValidityMonths > 120 {
		v.Add("validity_months", "Enter how many months the training stays current (0 to 120; 0 means it never expires)")
	}
	switch in.Status {
	case Draft, Published, Archived:
	case "":
		in.Status = Draft
	default:
		v.Add("status", "Choose draft, published or archived")
	}
	switch in.Approval {
	case "", Approved, Pending, Rejected: // "": approved when created, unchanged when edited
	default:
		v.Add("approval", "Choose approved, pending or rejected")
	}
	if in.ApprovalHoldDays < 0 || in.ApprovalHoldDays > 60 {
		v.Add("approval_hold_days", "Enter how many days to hold a place while the manager decides, from 0 to 60")
	}
	if in.ChargeDNAPence < 0 || in.ChargeDNAPence > 100000_00 {
		v.Add("charge_dna_pence", "Enter a charge for not attending from £0 to £100,000")
	}
	if in.ChargeLatePence < 0 || in.ChargeLatePence > 100000_00 {
		v.Add("charge_late_pence", "Enter a charge for late cancellation from £0 to £100,000")
	}
	if d := in.FollowUpDays; d != nil && (*d < 0 || *d > MaxFollowUpDays) {
		v.Add("followup_days", "Enter the number of days after the session to ask about impact, from 1 to 365, or leave it blank for no follow-up")
	}
	seen := map[string]bool{}
	var topics []string
	for _, t := range in.Topics {
		t = strings.TrimSpace(t)
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		if utf8.RuneCountInString(t) > 80 {
			v.Add("topics", "Each topic must be 80 characters or fewer")
		}
		if strings.Contains(t, topicSeparator) { // it would come back as two topics
			v.Add("topics", "Topics cannot contain the "+topicSeparator+" character")
		}
		seen[strings.ToLower(t)] = true
		topics = append(topics, t)
	}
	in.Topics = topics
	return v.Err()
}

// DefaultFollowUpDays is about three months: long enough for the training to show in
// practice, short enough that people remember it. MaxFollowUpDays is a year.
const (
	DefaultFollowUpDays = 91
	MaxFollowUpDays     = 365
)

// keepFollowUp is what UpdateCourse passes for in.FollowUpDays: -1 keeps the stored
// value (a plain integer, so both databases know the parameter's type).
func keepFollowUp(d *int) int {
	if d == nil {
		return -1
	}
	return *d
}

// followUpFor is what CreateCourse stores for in.FollowUpDays.
func followUpFor(d *int) int {
	if d == nil {
		return DefaultFollowUpDays
	}
	return *d
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// CreateCourse stores a new course.
func (s *Service) CreateCourse(ctx context.Context, in CourseInput) (int64, error) {
	if err := in.validate(); err != nil {
		return 0, err
	}
	if in.Approval == "" {
		in.Approval = Approved
	}
	var id int64
	now := store.FormatTime(s.Now())
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := checkProvider(ctx, tx, in.ProviderID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO courses (title, summary, description, audience, duration_minutes,
			provider_organisation_id, validity_months, status, requires_evaluation, approval, manager_approval,
			approval_hold_days, charge_dna_pence, charge_late_pence, impact_followup_days, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
			in.Title, in.Summary, in.Description, in.Audience, in.DurationMinutes, nullInt(in.ProviderID),
			nullInt(int64(in.ValidityMonths)), in.Status, in.RequiresEvaluation, in.Approval, in.ManagerApproval,
			in.ApprovalHoldDays, in.ChargeDNAPence, in.ChargeLatePence, followUpFor(in.FollowUpDays), now, now).Scan(&id)
		if err != nil {
			return err
		}
		return writeTopics(ctx, tx, id, in.Topics)
	})
	return id, err
}

// UpdateCourse replaces a course's details.
func (s *Service) UpdateCourse(ctx context.Context, id int64, in CourseInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := checkProvider(ctx, tx, in.ProviderID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE courses SET title=?, summary=?, description=?, audience=?,
			duration_minutes=?, provider_organisation_id=?, validity_months=?, status=?, requires_evaluation=?,
			approval=CASE WHEN ? = '' THEN approval ELSE ? END, manager_approval=?, approval_hold_days=?,
			charge_dna_pence=?, charge_late_pence=?, impact_followup_days=CASE WHEN ? < 0 THEN impact_followup_days ELSE ? END,
			updated_at=? WHERE id=?`,
			in.Title, in.Summary, in.Description, in.Audience, in.DurationMinutes, nullInt(in.ProviderID),
			nullInt(int64(in.ValidityMonths)), in.Status, in.RequiresEvaluation, in.Approval, in.Approval, in.ManagerApproval,
			in.ApprovalHoldDays, in.ChargeDNAPence, in.ChargeLatePence, keepFollowUp(in.FollowUpDays), keepFollowUp(in.FollowUpDays),
			store.FormatTime(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return writeTopics(ctx, tx, id, in.Topics)
	})
}

func checkProvider(ctx context.Context, tx *sql.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return problem.Validation{"provider_id": "Choose an organisation that exists"}.Err()
	}
	return nil
}

func writeTopics(ctx context.Context, tx *sql.Tx, courseID int64, topics []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM course_topics WHERE course_id = ?`, courseID); err != nil {
		return err
	}
	for _, t := range topics {
		if _, err := tx.ExecContext(ctx, `INSERT INTO course_topics (course_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING`, courseID, t); err != nil {
			return err
		}
	}
	return nil
}

// topicSeparator joins a course's topics in courseColumns, so no topic may contain it.
const topicSeparator = "|"

const courseColumns = `c.id, c.title, c.summary, c.description, c.audience, c.duration_minutes,
	COALESCE(c.provider_organisation_id, 0), COALESCE(p.name, ''), COALESCE(c.validity_months, 0), c.status,
	c.requires_evaluation, c.approval, c.approval_note, c.manager_approval, c.approval_hold_days,
	c.charge_dna_pence, c.charge_late_pence, c.impact_followup_days,
	COALESCE((SELECT group_concat(topic, '|') FROM (SELECT topic FROM course_topics WHERE course_id = c.id ORDER BY topic) AS topics), '')`

func scanCourse(row interface{ Scan(...any) error }) (Course, error) {
	var c Course
	var topics string
	err := row.Scan(&c.ID, &c.Title, &c.Summary, &c.Description, &c.Audience, &c.DurationMinutes,
		&c.ProviderID, &c.ProviderName, &c.ValidityMonths, &c.Status, &c.RequiresEvaluation, &c.Approval,
		&c.ApprovalNote, &c.ManagerApproval, &c.ApprovalHoldDays, &c.ChargeDNAPence, &c.ChargeLatePence, &c.FollowUpDays, &topics)
	if topics != "" {
		c.Topics = strings.Split(topics, topicSeparator)
	}
	return c, store.Classify(err)
}

// Course loads one course whatever its status (callers decide who may see drafts).
func (s *Service) Course(ctx context.Context, id int64) (Course, error) {
	return scanCourse(s.DB.R.QueryRowContext(ctx, `SELECT `+courseColumns+`
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id WHERE c.id = ?`, id))
}

// Courses lists every course, for admins.
func (s *Service) Courses(ctx context.Context) ([]Course, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+courseColumns+`
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id ORDER BY c.title COLLATE NOCASE`)
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

// Topics lists the topics used by published courses, for the catalogue filter.
func (s *Service) Topics(ctx context.Context) ([]string, error) {
	gen, now := s.DB.Generation(), s.Now()
	if t, ok := s.cache.getTopics(gen, now); ok {
		return t, nil
	}
	t, err := s.loadTopics(ctx)
	if err == nil {
		s.cache.putTopics(gen, now, t)
	}
	return t, err
}

func (s *Service) loadTopics(ctx context.Context) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT DISTINCT t.topic FROM course_topics t
		JOIN courses c ON c.id = t.course_id WHERE c.status = 'published' AND c.approval = 'approved' ORDER BY t.topic`)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ErrCourseNotBookable hides drafts and archived courses from the public.
var ErrCourseNotBookable = problem.New(http.StatusNotFound, "not_found", "We could not find that course.")

func itoa(n int) string { return strconv.Itoa(n) }

// monthRange returns the UTC instants that bound a calendar month in Europe/London.
func monthRange(year int, month time.Month) (time.Time, time.Time) {
	start := time.Date(year, month, 1, 0, 0, 0, 0, clock.London)
	return start.UTC(), start.AddDate(0, 1, 0).UTC()
}
