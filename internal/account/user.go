package account

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// NewUser is what it takes to create an account.
type NewUser struct {
	Email          string
	Name           string
	JobTitle       string
	Team           string
	OrganisationID int64
	Password       string // empty: the account cannot sign in until a password is set
	Roles          []Role
}

// ErrEmailTaken is returned when an account already uses the email address.
var ErrEmailTaken = &problem.Error{Status: http.StatusConflict, Code: "email_taken",
	Message: "An account already uses that email address.",
	Fields:  map[string]string{"email": "An account already uses that email address: sign in instead"}}

// NormaliseEmail trims and lower-cases an address so uniqueness ignores case.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidEmail reports whether s looks like a single bare email address. The reserved
// .invalid domain is refused: nothing there receives mail, and erased accounts are given
// addresses in it (internal/privacy).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \r\n\t<>\",;") || strings.HasSuffix(s, ".invalid") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// hasControl reports control characters (line breaks and tabs among them), which have no
// place in a name that will be shown in lists, CSV exports and email headers.
func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

func (n *NewUser) validate() error {
	v := problem.Validation{}
	n.Email = NormaliseEmail(n.Email)
	n.Name = problem.NormaliseName(n.Name)
	n.JobTitle = strings.TrimSpace(n.JobTitle)
	if n.Name == "" {
		v.Add("name", "Enter your full name")
	} else {
		v.CheckName("name", n.Name, "Name", 200)
	}
	if n.Email == "" {
		v.Add("email", "Enter your work email address")
	} else if !ValidEmail(n.Email) {
		v.Add("email", "Enter an email address in the correct format, like name@example.org")
	}
	n.Team = strings.TrimSpace(n.Team)
	v.CheckLine("team", n.Team, "Team", 200)
	if utf8.RuneCountInString(n.JobTitle) > 200 {
		v.Add("job_title", "Job title must be 200 characters or fewer")
	} else if hasControl(n.JobTitle) {
		v.Add("job_title", "Job title must be on one line, without line breaks or tabs")
	}
	if n.OrganisationID <= 0 {
		v.Add("organisation_id", "Choose your organisation")
	}
	if n.Password != "" {
		if msg := CheckPassword(n.Password, n.Email); msg != "" {
			v.Add("password", msg)
		}
	}
	if len(n.Roles) == 0 {
		n.Roles = []Role{Practitioner}
	}
	for _, r := range n.Roles {
		if !ValidRole(r) {
			v.Add("role", "Unknown role "+string(r))
		}
	}
	return v.Err()
}

// CreateUser validates and stores a new account.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (*User, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	var hash string
	if n.Password != "" {
		var err error
		if hash, err = s.Hasher.Hash(ctx, n.Password); err != nil {
			return nil, err
		}
	}
	var id int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var orgExists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, n.OrganisationID).Scan(&orgExists); err != nil {
			return err
		}
		if orgExists == 0 {
			return problem.Validation{"organisation_id": "Choose your organisation"}.Err()
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, job_title, team, organisation_id, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.Email, n.Name, n.JobTitle, n.Team, n.OrganisationID, hash, store.FormatTime(s.Now())).Scan(&id)
		if store.IsConstraint(err) {
			return ErrEmailTaken
		}
		if err != nil {
			return err
		}
		return writeRoles(ctx, tx, id, n.Roles)
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, id)
}

func writeRoles(ctx context.Context, tx *sql.Tx, userID int64, roles []Role) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, r); err != nil {
			return err
		}
	}
	return nil
}

// SetRoles replaces a user's roles.
func (s *Service) SetRoles(ctx context.Context, userID int64, roles []Role) error {
	for _, r := range roles {
		if !ValidRole(r) {
			return problem.Validation{"role": "Unknown role " + string(r)}.Err()
		}
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error { return writeRoles(ctx, tx, userID, roles) })
}

// SetActive enables or disables an account; disabling ends its sign-in sessions at the
// next request, because every request reloads the user.
func (s *Service) SetActive(ctx context.Context, userID int64, active bool) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET active = ? WHERE id = ?`, active, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

// SetPassword replaces a user's password after checking it.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	if msg := CheckPassword(password, u.Email); msg != "" {
		return problem.Validation{"password": msg}.Err()
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`,
			hash, store.FormatTime(s.Now()), userID)
		return err
	})
}

const userColumns = `u.id, u.email, u.name, u.job_title, u.team, u.organisation_id, o.name, u.active, u.created_at,
	COALESCE(u.password_changed_at, ''), u.email_confirmed, u.membership,
	COALESCE((SELECT group_concat(role) FROM user_roles r WHERE r.user_id = u.id), '')`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var created store.Time
	var roles string
	var changed string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.JobTitle, &u.Team, &u.OrganisationID, &u.OrganisationName,
		&u.Active, &created, &changed, &u.EmailConfirmed, &u.Membership, &roles); err != nil {
		return nil, store.Classify(err)
	}
	u.CreatedAt = created.T
	if changed != "" {
		t, err := store.ParseTime(changed)
		if err != nil {
			return nil, err
		}
		u.PasswordChangedAt = t
	}
	for _, r := range AllRoles { // keep a stable order
		if strings.Contains(","+roles+",", ","+string(r)+",") {
			u.Roles = append(u.Roles, r)
		}
	}
	return &u, nil
}

// User loads one user with roles.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	return scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+`
		FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ?`, id))
}

// UserByEmail loads a user by address, ignoring case.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	return scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+`
		FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`, NormaliseEmail(email)))
}

// Users lists accounts, optionally only those whose name or email contains q.
func (s *Service) Users(ctx context.Context, q string, limit int) ([]*User, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+userColumns+`
		FROM users u JOIN organisations o ON o.id = u.organisation_id
		WHERE ? = '' OR u.name LIKE '%' || ? || '%' OR u.email LIKE '%' || ? || '%'
		ORDER BY u.name COLLATE NOCASE LIMIT ?`, q, q, q, limit)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErrBadCredentials never says which of email or password was wrong.
var ErrBadCredentials = &problem.Error{Status: http.StatusUnauthorized, Code: "bad_credentials",
	Message: "The email address or password is not right.",
	Fields:  map[string]string{"email": "The email address or password is not right"}}

// Authenticate checks an email and password. Unknown addresses cost a hash too, so timing
// does not reveal which addresses have accounts.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var id int64
	var hash string
	var active bool
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, password_hash, active FROM users WHERE email = ?`,
		NormaliseEmail(email)).Scan(&id, &hash, &active)
	if err != nil && err != sql.ErrNoRows {
		return nil, store.Classify(err)
	}
	if errors.Is(err, sql.ErrNoRows) || hash == "" {
		_, _ = s.Hasher.Hash(ctx, password)
		return nil, ErrBadCredentials
	}
	ok, err := s.Hasher.Verify(ctx, password, hash)
	if err != nil {
		return nil, err
	}
	if !ok || !active {
		return nil, ErrBadCredentials
	}
	return s.User(ctx, id)
}
