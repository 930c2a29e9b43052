package account

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// PeopleQuery is an admin's search for people.
type PeopleQuery struct {
	// Text is matched, word by word and ignoring case, against name, email address and
	// organisation name: "sam police" finds Sam Smith of Bath Police.
	Text            string
	OrganisationID  int64 // 0: every organisation
	IncludeDisabled bool
	Limit           int // at most this many; 0: 50
}

// MaxSearchText caps the search box, so a pasted essay is not a query.
const MaxSearchText = 200

// SearchPeople lists the people matching q by name, and reports whether there were more
// than q.Limit, so the page can ask for a narrower search rather than page through
// thousands of names.
func (s *Service) SearchPeople(ctx context.Context, q PeopleQuery) (people []*User, more bool, err error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	where := []string{"1 = 1"}
	var args []any
	if !q.IncludeDisabled {
		where = append(where, "u.active = 1")
	}
	if q.OrganisationID > 0 {
		where = append(where, "u.organisation_id = ?")
		args = append(args, q.OrganisationID)
	}
	// The words are matched here rather than in SQL: SQLite's lower() folds only A to Z, so
	// "Ó Briain" would never match "ó briain".
	words := strings.Fields(strings.ToLower(q.Text))
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+userColumns+`
		FROM users u JOIN organisations o ON o.id = u.organisation_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY u.name COLLATE NOCASE, u.id`, args...)
	if err != nil {
		return nil, false, store.Classify(err)
	}
	defer rows.Close()
	for rows.Next() && len(people) <= q.Limit {
		u, err := scanUser(rows)
		if err != nil {
			return nil, false, err
		}
		if matchesEveryWord(u, words) {
			people = append(people, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(people) > q.Limit {
		return people[:q.Limit], true, nil
	}
	return people, false, nil
}

// matchesEveryWord reports whether each word appears in the person's name, email address
// or organisation, ignoring case in any alphabet.
func matchesEveryWord(u *User, words []string) bool {
	hay := strings.ToLower(u.Name + "\n" + u.Email + "\n" + u.OrganisationName)
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// Person is what an admin fills in to add or change an account. There is no password: a
// new person chooses their own through an emailed link.
type Person struct {
	Name           string
	Email          string
	JobTitle       string
	Team           string
	OrganisationID int64
	Roles          []Role
}

// Messages for the admin rules on roles and disabling.
const (
	msgOwnAdmin    = "You cannot remove your own admin role. Ask another admin to do it"
	msgLastAdmin   = "This is the only admin left, so they must keep the admin role. Make someone else an admin first"
	msgEmailInUse  = "Another account already uses this email address"
	msgNoSuchOrg   = "Choose an organisation from the list"
	msgChooseRole  = "Choose at least one role"
	msgUnknownRole = "Choose roles from the list"
)

// ErrDisableSelf and ErrDisableLastAdmin keep the partnership from locking itself out.
var (
	ErrDisableSelf = problem.Conflict("disable_self",
		"You cannot disable your own account. Ask another admin to do it.")
	ErrDisableLastAdmin = problem.Conflict("disable_last_admin",
		"This is the only active admin, so their account cannot be disabled. Make someone else an admin first.")
)

// validate normalises p and checks every field, in the order the form shows them, so the
// admin sees every problem at once. id is the account being changed (0 for a new one),
// for the email check.
func (p *Person) validate(ctx context.Context, q queryer, id int64) (problem.Validation, error) {
	v := problem.Validation{}
	p.Name = problem.NormaliseName(p.Name)
	p.Email = NormaliseEmail(p.Email)
	p.JobTitle = strings.TrimSpace(p.JobTitle)
	p.Team = strings.TrimSpace(p.Team)
	if p.Name == "" {
		v.Add("name", "Enter the person's full name")
	} else {
		v.CheckName("name", p.Name, "Name", 200)
	}
	switch {
	case p.Email == "":
		v.Add("email", "Enter the person's work email address")
	case !ValidEmail(p.Email):
		v.Add("email", "Enter an email address in the correct format, like name@example.org")
	default:
		var other int64
		err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE email = ? AND id <> ?`, p.Email, id).Scan(&other)
		if err == nil {
			v.Add("email", msgEmailInUse)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	v.CheckLine("job_title", p.JobTitle, "Job title", 200)
	v.CheckLine("team", p.Team, "Team", 200)
	if p.OrganisationID <= 0 {
		v.Add("organisation_id", "Choose the person's organisation")
	} else {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, p.OrganisationID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			v.Add("organisation_id", msgNoSuchOrg)
		}
	}
	if len(p.Roles) == 0 {
		v.Add("roles", msgChooseRole)
	}
	for _, r := range p.Roles {
		if !ValidRole(r) {
			v.Add("roles", msgUnknownRole)
		}
	}
	return v, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// AddPerson creates an account for someone and, in the same transaction, queues the
// welcome email with their set-password link: the account exists exactly when the email
// is on its way.
func (s *Service) AddPerson(ctx context.Context, p Person) (*User, error) {
	if v, err := p.validate(ctx, s.DB.R, 0); err != nil {
		return nil, store.Classify(err)
	} else if err := v.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		// Again inside the write: someone may have taken the address meanwhile.
		v, err := p.validate(ctx, tx, 0)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, name, job_title, team, organisation_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, p.Email, p.Name, p.JobTitle, p.Team, p.OrganisationID, store.FormatTime(s.Now())).Scan(&id)
		if err != nil {
			return err
		}
		if err := writeRoles(ctx, tx, id, p.Roles); err != nil {
			return err
		}
		return SendPasswordLinkTx(ctx, tx, id, true, s.Now())
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, id)
}

// UpdatePerson changes an account's details and roles. actorID is the admin doing it: they
// cannot take away their own admin role, and nobody can take it from the last active
// admin, so the partnership always has someone who can manage it.
func (s *Service) UpdatePerson(ctx context.Context, actorID, id int64, p Person) error {
	if _, err := s.User(ctx, id); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		v, err := p.validate(ctx, tx, id)
		if err != nil {
			return err
		}
		if !hasRole(p.Roles, Admin) {
			if id == actorID {
				v.Add("roles", msgOwnAdmin)
			} else if last, err := lastActiveAdmin(ctx, tx, id); err != nil {
				return err
			} else if last {
				v.Add("roles", msgLastAdmin)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		// A new address is often a correction, or a mailbox the person has lost: password
		// links already sent to the old one stop working.
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE used_at IS NULL
			AND user_id = (SELECT id FROM users WHERE id = ? AND email <> ?)`, store.FormatTime(s.Now()), id, p.Email); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET name = ?, email = ?, job_title = ?, team = ?, organisation_id = ?
			WHERE id = ?`, p.Name, p.Email, p.JobTitle, p.Team, p.OrganisationID, id)
		if store.IsConstraint(err) {
			return problem.Validation{"email": msgEmailInUse}.Err()
		}
		if err != nil {
			return err
		}
		return writeRoles(ctx, tx, id, p.Roles)
	})
}

func hasRole(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// lastActiveAdmin reports whether id is an active admin and nobody else is.
func lastActiveAdmin(ctx context.Context, q queryer, id int64) (bool, error) {
	var self, others int
	err := q.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE u.id = ?), count(*) FILTER (WHERE u.id <> ?)
		FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin' WHERE u.active = 1`, id, id).Scan(&self, &others)
	return self > 0 && others == 0, err
}

// SetPersonActive is the admin's disable and enable: disabling ends every session, API
// token, calendar feed and password link at once (EndAccessTx). An admin cannot disable
// themselves, and the last active admin cannot be disabled.
func (s *Service) SetPersonActive(ctx context.Context, actorID, id int64, active bool) (Ended, error) {
	var ended Ended
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return store.ErrNotFound
		}
		if active {
			_, err := tx.ExecContext(ctx, `UPDATE users SET active = 1 WHERE id = ?`, id)
			return err
		}
		if id == actorID {
			return ErrDisableSelf
		}
		if last, err := lastActiveAdmin(ctx, tx, id); err != nil {
			return err
		} else if last {
			return ErrDisableLastAdmin
		}
		var err error
		ended, err = s.disableTx(ctx, tx, id)
		return err
	})
	return ended, err
}
