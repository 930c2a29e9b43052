package account_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestParseDomains(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"avonandsomerset.police.uk", []string{"avonandsomerset.police.uk"}, false},
		{" @NHS.net, bathnes.gov.uk;\nnhs.net ", []string{"nhs.net", "bathnes.gov.uk"}, false},
		{"localhost", nil, true},
		{"bad_domain.org", nil, true},
		{"-x.org", nil, true},
		{"name@nhs.net", nil, true},
	}
	for _, c := range cases {
		got, msg := account.ParseDomains(c.in)
		if (msg != "") != c.bad || !c.bad && !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseDomains(%q) = %v, %q", c.in, got, msg)
		}
	}
}

// TestOrganisationsForEmail: an address on an organisation's domain finds it; a shared
// domain finds every organisation that lists it; other addresses find none; domains
// follow edits and refuse bad values without changing anything.
func TestOrganisationsForEmail(t *testing.T) {
	ctx := context.Background()
	env := testkit.New(t)
	police, err := env.Accounts.AddOrganisation(ctx, account.Organisation{Name: "Avon and Somerset Police", Type: account.Police,
		Domains: []string{"avonandsomerset.police.uk"}})
	if err != nil {
		t.Fatal(err)
	}
	ruh, err := env.Accounts.AddOrganisation(ctx, account.Organisation{Name: "Royal United Hospitals Bath", Type: account.Health,
		Domains: []string{"nhs.net", "ruh.nhs.uk"}})
	if err != nil {
		t.Fatal(err)
	}
	icb := env.Org(t, "BSW Integrated Care Board", account.Health)
	icb.Domains = []string{"nhs.net"}
	if err := env.Accounts.UpdateOrganisation(ctx, icb); err != nil {
		t.Fatal(err)
	}
	names := func(email string) []string {
		orgs, err := env.Accounts.OrganisationsForEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range orgs {
			out = append(out, o.Name)
		}
		return out
	}
	for email, want := range map[string][]string{
		"pc.jones@AvonAndSomerset.Police.UK": {police.Name},
		"a.nurse@nhs.net":                    {icb.Name, ruh.Name},
		"doctor@ruh.nhs.uk":                  {ruh.Name},
		"someone@gmail.com":                  nil,
		"pc@sub.avonandsomerset.police.uk":   nil,
	} {
		if got := names(email); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", email, got, want)
		}
	}
	got, err := env.Accounts.Organisation(ctx, ruh.ID)
	if err != nil || !reflect.DeepEqual(got.Domains, []string{"nhs.net", "ruh.nhs.uk"}) {
		t.Errorf("Organisation(ruh).Domains = %v, %v", got.Domains, err)
	}
	bad := ruh
	bad.Domains = []string{"not a domain"}
	if err := env.Accounts.UpdateOrganisation(ctx, bad); err == nil {
		t.Error("a bad domain was saved")
	}
	if got := names("doctor@ruh.nhs.uk"); len(got) != 1 {
		t.Errorf("a refused edit changed the domains: %v", got)
	}
	ruh.Domains = nil
	if err := env.Accounts.UpdateOrganisation(ctx, ruh); err != nil {
		t.Fatal(err)
	}
	if got := names("a.nurse@nhs.net"); !reflect.DeepEqual(got, []string{icb.Name}) {
		t.Errorf("after removing RUH's domains, nhs.net finds %v", got)
	}
}
