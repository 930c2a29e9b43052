package account

import (
	"context"
	"database/sql"
	"net/http"
	"strings"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// OrgType is the kind of agency, used to group the board's figures.
type OrgType string

// The organisation types a partnership reports on.
const (
	Police          OrgType = "police"
	Health          OrgType = "health"
	Education       OrgType = "education"
	SocialCare      OrgType = "social_care"
	Voluntary       OrgType = "voluntary"
	TrainingPartner OrgType = "training_partner"
	OtherOrg        OrgType = "other"
)

// OrgTypes lists every type in display order.
var OrgTypes = []OrgType{Police, Health, Education, SocialCare, Voluntary, TrainingPartner, OtherOrg}

// Label is the plain-English name of the type.
func (t OrgType) Label() string {
	switch t {
	case Police:
		return "Police"
	case Health:
		return "Health"
	case Education:
		return "Education"
	case SocialCare:
		return "Children's social care"
	case Voluntary:
		return "Voluntary and community"
	case TrainingPartner:
		return "Training partner"
	case OtherOrg:
		return "Other"
	}
	return string(t)
}

func validOrgType(t OrgType) bool {
	for _, v := range OrgTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Organisation is an agency whose staff use the service, or a training partner.
type Organisation struct {
	ID   int64
	Name string
	Type OrgType
	// Domains are the email domains of its staff (filled by Organisation, not by lists).
	Domains []string
}

// ErrOrgNameTaken is returned when another organisation already has the name.
var ErrOrgNameTaken = &problem.Error{Status: http.StatusConflict, Code: "organisation_exists",
	Message: "An organisation with that name already exists.", Fields: map[string]string{"name": "An organisation with that name already exists"}}

// Check applies the organisation rules without saving, so a form can report every
// mistake at once.
func (o Organisation) Check() error {
	return validateOrg(problem.NormaliseName(o.Name), o.Type, o.Domains)
}

func validateOrg(name string, t OrgType, domains []string) error {
	v := problem.Validation{}
	checkDomains(v, domains)
	if strings.TrimSpace(name) == "" {
		v.Add("name", "Enter the organisation's name")
	}
	v.CheckName("name", name, "Name", 200)
	if !validOrgType(t) {
		v.Add("type", "Choose the type of organisation")
	}
	return v.Err()
}

// CreateOrganisation adds an organisation with a unique name.
func (s *Service) CreateOrganisation(ctx context.Context, name string, t OrgType) (Organisation, error) {
	return s.AddOrganisation(ctx, Organisation{Name: name, Type: t})
}

// AddOrganisation adds an organisation with a unique name and its email domains, in one
// transaction.
func (s *Service) AddOrganisation(ctx context.Context, o Organisation) (Organisation, error) {
	o.Name = problem.NormaliseName(o.Name)
	if err := validateOrg(o.Name, o.Type, o.Domains); err != nil {
		return Organisation{}, err
	}
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if o.ID, err = insertOrg(ctx, tx, o.Name, o.Type, store.FormatTime(s.Now())); err != nil {
			return err
		}
		return replaceDomains(ctx, tx, o.ID, o.Domains)
	})
	return o, err
}

func insertOrg(ctx context.Context, tx *sql.Tx, name string, t OrgType, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO organisations (name, type, created_at) VALUES (?, ?, ?) RETURNING id`, name, t, now).Scan(&id)
	if store.IsConstraint(err) {
		return 0, ErrOrgNameTaken
	}
	if err != nil {
		return 0, err
	}
	return id, nil
}

// UpdateOrganisation renames or retypes an organisation and sets its email domains to
// o.Domains.
func (s *Service) UpdateOrganisation(ctx context.Context, o Organisation) error {
	o.Name = problem.NormaliseName(o.Name)
	if err := validateOrg(o.Name, o.Type, o.Domains); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET name = ?, type = ? WHERE id = ?`, o.Name, o.Type, o.ID)
		if store.IsConstraint(err) {
			return ErrOrgNameTaken
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return replaceDomains(ctx, tx, o.ID, o.Domains)
	})
}

// Organisation returns one organisation.
func (s *Service) Organisation(ctx context.Context, id int64) (Organisation, error) {
	var o Organisation
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, name, type FROM organisations WHERE id = ?`, id).
		Scan(&o.ID, &o.Name, &o.Type)
	if err != nil {
		return o, store.Classify(err)
	}
	o.Domains, err = s.organisationDomains(ctx, id)
	return o, err
}

// OrganisationByName finds an organisation by name, ignoring case.
func (s *Service) OrganisationByName(ctx context.Context, name string) (Organisation, error) {
	var o Organisation
	err := s.DB.R.QueryRowContext(ctx,
		`SELECT id, name, type FROM organisations WHERE name = ? COLLATE NOCASE`, strings.TrimSpace(name)).
		Scan(&o.ID, &o.Name, &o.Type)
	return o, store.Classify(err)
}

// Organisations lists every organisation by name.
func (s *Service) Organisations(ctx context.Context) ([]Organisation, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, name, type FROM organisations ORDER BY name COLLATE NOCASE`)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.ID, &o.Name, &o.Type); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// EnsureOrganisation returns the named organisation, creating it (type other) if missing.
func (s *Service) EnsureOrganisation(ctx context.Context, name string, t OrgType) (Organisation, error) {
	o, err := s.OrganisationByName(ctx, name)
	if err == nil {
		return o, nil
	}
	if err != store.ErrNotFound {
		return o, err
	}
	return s.CreateOrganisation(ctx, name, t)
}
