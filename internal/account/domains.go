package account

import (
	"context"
	"database/sql"
	"strings"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// maxDomains keeps an organisation's list readable; no agency has more.
const maxDomains = 20

// ParseDomains reads the email domains typed into the organisation form: separated by
// commas, spaces or new lines, with or without a leading "@", in any case. It returns the
// normalised, de-duplicated list, or a message saying what is wrong.
func ParseDomains(text string) ([]string, string) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		d := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(f), "@"))
		if d == "" || seen[d] {
			continue
		}
		if !validDomain(d) {
			return nil, "Enter each email domain as it appears after the @, like avonandsomerset.police.uk: " + d + " is not one"
		}
		seen[d] = true
		out = append(out, d)
	}
	if len(out) > maxDomains {
		return nil, "Enter at most 20 email domains"
	}
	return out, ""
}

// validDomain accepts a host name with at least two labels of letters, digits and
// hyphens, none starting or ending with a hyphen.
func validDomain(d string) bool {
	if len(d) < 3 || len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// EmailDomain is the part of an address after its last "@", in lower case.
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(email[at+1:]))
}

// OrganisationsForEmail lists the organisations that own the address's domain: none
// (the person must ask to join one), one (they join it), or several for a shared domain
// such as nhs.net (they choose).
func (s *Service) OrganisationsForEmail(ctx context.Context, email string) ([]Organisation, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT o.id, o.name, o.type FROM organisation_domains d
		JOIN organisations o ON o.id = d.organisation_id WHERE d.domain = ? ORDER BY o.name COLLATE NOCASE`, EmailDomain(email))
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

// organisationDomains lists one organisation's domains in order.
func (s *Service) organisationDomains(ctx context.Context, orgID int64) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT domain FROM organisation_domains WHERE organisation_id = ? ORDER BY domain`, orgID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// replaceDomains sets the organisation's domains to exactly domains, inside tx.
func replaceDomains(ctx context.Context, tx *sql.Tx, orgID int64, domains []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM organisation_domains WHERE organisation_id = ?`, orgID); err != nil {
		return err
	}
	for _, d := range domains {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_domains (domain, organisation_id) VALUES (?, ?)`, d, orgID); err != nil {
			return err
		}
	}
	return nil
}

// checkDomains re-validates domains handed to the service directly (not from the form).
func checkDomains(v problem.Validation, domains []string) {
	for _, d := range domains {
		if !validDomain(d) || d != strings.ToLower(d) {
			v.Add("domains", "Enter each email domain as it appears after the @, like avonandsomerset.police.uk: "+d+" is not one")
			return
		}
	}
	if len(domains) > maxDomains {
		v.Add("domains", "Enter at most 20 email domains")
	}
}
