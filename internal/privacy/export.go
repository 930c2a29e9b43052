package privacy

import (
	"context"
	"database/sql"
	"errors"
	"github.com/traininghub/traininghub/internal/booking"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/store"
)

// Export is everything held about one person, as their subject access download gives
// it. It never holds a secret: no password hash, token, two-factor secret or link.
type Export struct {
	GeneratedAt  time.Time         `json:"generated_at"`
	Person       Person            `json:"person"`
	Bookings     []BookingRecord   `json:"bookings"`
	Evaluations  []Evaluation      `json:"evaluations"`
	Impact       []ImpactAnswer    `json:"impact_answers"`
	Certificates []CertificateItem `json:"certificates"`
	Emails       []Email           `json:"emails"`
	APITokens    []APIToken        `json:"api_tokens"`
	JoinRequests []JoinRequest     `json:"join_requests"`
	Merges       []Merge           `json:"account_merges"`

	certs []attendance.Certificate // for the PDFs
}

// Person is the account itself.
type Person struct {
	ID                int64          `json:"id"`
	Name              string         `json:"name"`
	Email             string         `json:"email"`
	JobTitle          string         `json:"job_title"`
	Team              string         `json:"team"`
	Organisation      Organisation   `json:"organisation"`
	Membership        string         `json:"membership"`
	Roles             []string       `json:"roles"`
	Active            bool           `json:"account_enabled"`
	EmailConfirmed    bool           `json:"email_confirmed"`
	CreatedAt         time.Time      `json:"created_at"`
	LastSignInAt      *time.Time     `json:"last_sign_in_at"`
	PasswordChangedAt *time.Time     `json:"password_changed_at"`
	HasPassword       bool           `json:"has_password"`
	Settings          Settings       `json:"settings"`
	SSO               []SSOIdentity  `json:"single_sign_on"`
	Erasure           *ErasureRecord `json:"erasure,omitempty"`
}

// Organisation is the employer the account belongs to.
type Organisation struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Settings are the person's own choices.
type Settings struct {
	TwoFactorOn  bool `json:"two_factor_on"`
	CalendarFeed bool `json:"calendar_feed_on"`
}

// SSOIdentity is a link to an account at the organisation's identity provider.
type SSOIdentity struct {
	Issuer       string    `json:"issuer"`
	Subject      string    `json:"subject"`
	Email        string    `json:"email"`
	CreatedAt    time.Time `json:"created_at"`
	LastSignInAt time.Time `json:"last_sign_in_at"`
}

// ErasureRecord is present when the record was erased.
type ErasureRecord struct {
	ReceivedOn string    `json:"request_received_on"`
	Reference  string    `json:"reference"`
	At         time.Time `json:"carried_out_at"`
}

// BookingRecord is one booking with what happened to it.
type BookingRecord struct {
	ID           int64        `json:"id"`
	Course       string       `json:"course"`
	SessionID    int64        `json:"session_id"`
	StartsAt     time.Time    `json:"starts_at"`
	EndsAt       time.Time    `json:"ends_at"`
	Where        string       `json:"where"`
	Status       string       `json:"status"`
	WalkIn       bool         `json:"walk_in"`
	Attendance   string       `json:"attendance"`
	AttendanceAt *time.Time   `json:"attendance_recorded_at"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	History      []HistoryRow `json:"history"`
}

// HistoryRow is one change to a booking.
type HistoryRow struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
	By     string    `json:"by"` // "you", "staff" or "system"
	At     time.Time `json:"at"`
}

// Evaluation is a course evaluation the person wrote.
type Evaluation struct {
	BookingID     int64     `json:"booking_id"`
	Course        string    `json:"course"`
	SessionStart  time.Time `json:"session_starts_at"`
	Rating        int       `json:"rating"`
	Usefulness    int       `json:"usefulness"`
	DoDifferently string    `json:"do_differently"`
	Comments      string    `json:"comments"`
	SubmittedAt   time.Time `json:"submitted_at"`
}

// ImpactAnswer is an answer to a "did it change practice?" follow-up (internal/impact).
type ImpactAnswer struct {
	BookingID        int64     `json:"booking_id"`
	Course           string    `json:"course"`
	SessionStart     time.Time `json:"session_starts_at"`
	ConfidenceBefore int       `json:"confidence_before"`
	ConfidenceAfter  int       `json:"confidence_now"`
	ChangeMade       string    `json:"change_made"`
	Examples         string    `json:"examples"`
	ShareExamples    bool      `json:"examples_may_be_quoted"`
	SubmittedAt      time.Time `json:"submitted_at"`
}

// CertificateItem is one certificate; File names its PDF in the download.
type CertificateItem struct {
	Code        string     `json:"code"`
	Course      string     `json:"course"`
	NameOnIt    string     `json:"name_on_certificate"`
	CompletedOn string     `json:"completed_on"`
	ExpiresOn   string     `json:"expires_on,omitempty"`
	IssuedAt    time.Time  `json:"issued_at"`
	State       string     `json:"state"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	File        string     `json:"file,omitempty"`
}

// Email is one message sent (or queued) to the person.
type Email struct {
	ID             int64      `json:"id"`
	Kind           string     `json:"kind"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at"`
	Status         string     `json:"status"`
	Subject        string     `json:"subject"`
	Body           string     `json:"body"`
	ContentDeleted string     `json:"content_deleted,omitempty"`
}

// APIToken describes a token without its value (only a hash is kept anyway).
type APIToken struct {
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

// JoinRequest is a request to join an organisation made at registration.
type JoinRequest struct {
	Organisation string     `json:"organisation"`
	CreatedAt    time.Time  `json:"created_at"`
	Decision     string     `json:"decision"`
	DecidedAt    *time.Time `json:"decided_at"`
}

// Merge is a merge of duplicate accounts this account took part in.
type Merge struct {
	Role          string    `json:"this_account_was"` // "kept" or "merged"
	KeptID        int64     `json:"kept_account_id"`
	MergedID      int64     `json:"merged_account_id"`
	MergedName    string    `json:"merged_account_name"`
	MergedEmail   string    `json:"merged_account_email"`
	At            time.Time `json:"at"`
	WhatMovedJSON string    `json:"what_moved"`
}

// ErrNoSuchPerson answers a download for an account that does not exist.
var ErrNoSuchPerson = store.ErrNotFound

// Collect reads everything held about userID with the reader pool.
func (s *Service) Collect(ctx context.Context, userID int64) (*Export, error) {
	x := &Export{GeneratedAt: s.Now().UTC()}
	steps := []func(context.Context, *sql.DB, int64) error{
		x.readPerson, x.readBookings, x.readEvaluations, x.readImpact, x.readEmails, x.readTokens, x.readJoinRequests, x.readMerges,
	}
	for _, step := range steps {
		if err := step(ctx, s.DB.R, userID); err != nil {
			return nil, store.Classify(err)
		}
	}
	certs, err := s.Attendance.ForUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	x.certs = certs
	for _, k := range certs {
		item := CertificateItem{Code: k.Code, Course: k.CourseTitle, NameOnIt: k.PersonName,
			CompletedOn: k.CompletedOn.Format("2006-01-02"), IssuedAt: k.IssuedAt, State: k.State(x.GeneratedAt)}
		if !k.ExpiresOn.IsZero() {
			item.ExpiresOn = k.ExpiresOn.Format("2006-01-02")
		}
		if k.Revoked() {
			item.RevokedAt = timePtr(k.RevokedAt)
		} else {
			item.File = "certificates/certificate-" + k.Code + ".pdf"
		}
		x.Certificates = append(x.Certificates, item)
	}
	return x, nil
}

func (x *Export) readPerson(ctx context.Context, db *sql.DB, id int64) error {
	p := &x.Person
	var created store.Time
	var lastSignIn, pwChanged sql.NullString
	var hash string
	var calendar, twoFactor bool
	err := db.QueryRowContext(ctx, `SELECT u.id, u.name, u.email, u.job_title, u.team, o.id, o.name, o.type, u.membership,
		u.active, u.email_confirmed, u.created_at, u.last_sign_in_at, u.password_changed_at, u.password_hash,
		u.calendar_token IS NOT NULL, EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL)
		FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ?`, id).
		Scan(&p.ID, &p.Name, &p.Email, &p.JobTitle, &p.Team, &p.Organisation.ID, &p.Organisation.Name, &p.Organisation.Type,
			&p.Membership, &p.Active, &p.EmailConfirmed, &created, &lastSignIn, &pwChanged, &hash, &calendar, &twoFactor)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoSuchPerson
	}
	if err != nil {
		return err
	}
	p.CreatedAt, p.HasPassword = created.T, hash != ""
	p.Settings = Settings{TwoFactorOn: twoFactor, CalendarFeed: calendar}
	if p.LastSignInAt, err = parseNull(lastSignIn); err != nil {
		return err
	}
	if p.PasswordChangedAt, err = parseNull(pwChanged); err != nil {
		return err
	}
	p.Roles = []string{}
	rows, err := db.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = ? ORDER BY role`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		p.Roles = append(p.Roles, r)
	}
	rows.Close()
	p.SSO = []SSOIdentity{}
	rows, err = db.QueryContext(ctx, `SELECT issuer, subject, email, created_at, last_sign_in_at FROM sso_identities
		WHERE user_id = ? ORDER BY created_at`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i SSOIdentity
		var c, l store.Time
		if err := rows.Scan(&i.Issuer, &i.Subject, &i.Email, &c, &l); err != nil {
			return err
		}
		i.CreatedAt, i.LastSignInAt = c.T, l.T
		p.SSO = append(p.SSO, i)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var e ErasureRecord
	var at store.Time
	err = db.QueryRowContext(ctx, `SELECT request_received_on, reference, carried_out_at FROM erasures WHERE user_id = ?`, id).
		Scan(&e.ReceivedOn, &e.Reference, &at)
	if err == nil {
		e.At = at.T
		p.Erasure = &e
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

func (x *Export) readBookings(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT b.id, c.title, s.id, s.starts_at, s.ends_at, s.online, s.venue, b.status,
		b.walk_in, COALESCE(b.attendance, ''), b.attendance_at, b.created_at, b.updated_at
		FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		WHERE b.user_id = ? ORDER BY s.starts_at, b.id`, id)
	if err != nil {
		return err
	}
	byID := map[int64]int{}
	x.Bookings = []BookingRecord{}
	for rows.Next() {
		var b BookingRecord
		var starts, ends, created, updated store.Time
		var online bool
		var attAt sql.NullString
		if err := rows.Scan(&b.ID, &b.Course, &b.SessionID, &starts, &ends, &online, &b.Where, &b.Status, &b.WalkIn,
			&b.Attendance, &attAt, &created, &updated); err != nil {
			rows.Close()
			return err
		}
		b.StartsAt, b.EndsAt, b.CreatedAt, b.UpdatedAt = starts.T, ends.T, created.T, updated.T
		if online {
			b.Where = "Online"
		}
		if b.AttendanceAt, err = parseNull(attAt); err != nil {
			rows.Close()
			return err
		}
		b.History = []HistoryRow{}
		byID[b.ID] = len(x.Bookings)
		x.Bookings = append(x.Bookings, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.QueryContext(ctx, `SELECT c.booking_id, c.from_state, c.to_state, c.reason, c.actor, c.at
		FROM `+booking.HistorySQL(`b.user_id = ?`)+` ORDER BY c.booking_id, `+booking.HistoryOrder, booking.HistoryArgs(id)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var bookingID, actor int64
		var h HistoryRow
		var at store.Time
		if err := rows.Scan(&bookingID, &h.From, &h.To, &h.Reason, &actor, &at); err != nil {
			return err
		}
		h.At = at.T
		switch actor {
		case 0:
			h.By = "system"
		case id:
			h.By = "you"
		default:
			h.By = "staff"
		}
		if i, ok := byID[bookingID]; ok {
			x.Bookings[i].History = append(x.Bookings[i].History, h)
		}
	}
	return rows.Err()
}

func (x *Export) readEvaluations(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT e.booking_id, c.title, s.starts_at, e.rating, e.usefulness, e.do_differently,
		e.comments, e.submitted_at FROM evaluations e JOIN bookings b ON b.id = e.booking_id
		JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		WHERE b.user_id = ? ORDER BY e.submitted_at`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	x.Evaluations = []Evaluation{}
	for rows.Next() {
		var e Evaluation
		var starts, submitted store.Time
		if err := rows.Scan(&e.BookingID, &e.Course, &starts, &e.Rating, &e.Usefulness, &e.DoDifferently, &e.Comments,
			&submitted); err != nil {
			return err
		}
		e.SessionStart, e.SubmittedAt = starts.T, submitted.T
		x.Evaluations = append(x.Evaluations, e)
	}
	return rows.Err()
}

func (x *Export) readImpact(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT a.booking_id, c.title, s.starts_at, a.confidence_before, a.confidence_after,
		a.change_made, a.examples, a.share_examples, a.submitted_at FROM impact_answers a JOIN bookings b ON b.id = a.booking_id
		JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		WHERE b.user_id = ? ORDER BY a.submitted_at, a.booking_id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	x.Impact = []ImpactAnswer{}
	for rows.Next() {
		var a ImpactAnswer
		var starts, submitted store.Time
		if err := rows.Scan(&a.BookingID, &a.Course, &starts, &a.ConfidenceBefore, &a.ConfidenceAfter, &a.ChangeMade,
			&a.Examples, &a.ShareExamples, &submitted); err != nil {
			return err
		}
		a.SessionStart, a.SubmittedAt = starts.T, submitted.T
		x.Impact = append(x.Impact, a)
	}
	return rows.Err()
}

func (x *Export) readEmails(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT o.id, o.kind, o.created_at, o.sent_at, o.status, o.subject, o.body_text,
		o.content_deleted_note FROM outbox o WHERE o.user_id = ?
		OR o.recipient_email = (SELECT email FROM users WHERE id = ?) ORDER BY o.id`, id, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	x.Emails = []Email{}
	for rows.Next() {
		var e Email
		var created store.Time
		var sent sql.NullString
		if err := rows.Scan(&e.ID, &e.Kind, &created, &sent, &e.Status, &e.Subject, &e.Body, &e.ContentDeleted); err != nil {
			return err
		}
		e.CreatedAt = created.T
		if e.SentAt, err = parseNull(sent); err != nil {
			return err
		}
		if e.Kind == "password_reset" {
			e.Body = "" // it held a single-use link: a secret, even once spent
		}
		x.Emails = append(x.Emails, e)
	}
	return rows.Err()
}

func (x *Export) readTokens(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT name, created_at, last_used_at, expires_at FROM api_tokens
		WHERE user_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	x.APITokens = []APIToken{}
	for rows.Next() {
		var t APIToken
		var created store.Time
		var used, expires sql.NullString
		if err := rows.Scan(&t.Name, &created, &used, &expires); err != nil {
			return err
		}
		t.CreatedAt = created.T
		if t.LastUsedAt, err = parseNull(used); err != nil {
			return err
		}
		if t.ExpiresAt, err = parseNull(expires); err != nil {
			return err
		}
		x.APITokens = append(x.APITokens, t)
	}
	return rows.Err()
}

func (x *Export) readJoinRequests(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT o.name, j.created_at, COALESCE(j.decision, 'waiting'), j.decided_at
		FROM join_requests j JOIN organisations o ON o.id = j.organisation_id WHERE j.user_id = ? ORDER BY j.id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	x.JoinRequests = []JoinRequest{}
	for rows.Next() {
		var j JoinRequest
		var created store.Time
		var decided sql.NullString
		if err := rows.Scan(&j.Organisation, &created, &j.Decision, &decided); err != nil {
			return err
		}
		j.CreatedAt = created.T
		if j.DecidedAt, err = parseNull(decided); err != nil {
			return err
		}
		x.JoinRequests = append(x.JoinRequests, j)
	}
	return rows.Err()
}

func (x *Export) readMerges(ctx context.Context, db *sql.DB, id int64) error {
	rows, err := db.QueryContext(ctx, `SELECT kept_user_id, merged_user_id, merged_name, merged_email, at, summary
		FROM account_merges WHERE kept_user_id = ? OR merged_user_id = ? ORDER BY id`, id, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	x.Merges = []Merge{}
	for rows.Next() {
		var m Merge
		var at store.Time
		if err := rows.Scan(&m.KeptID, &m.MergedID, &m.MergedName, &m.MergedEmail, &at, &m.WhatMovedJSON); err != nil {
			return err
		}
		m.At, m.Role = at.T, "kept"
		if m.MergedID == id {
			m.Role = "merged"
		}
		x.Merges = append(x.Merges, m)
	}
	return rows.Err()
}

func parseNull(s sql.NullString) (*time.Time, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	t, err := store.ParseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func timePtr(t time.Time) *time.Time { return &t }
