package compliance_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

func TestRuleValidation(t *testing.T) {
	r := newRig(t)
	cse := r.course(t, "CSE awareness", 36)
	cases := []struct {
		name  string
		in    compliance.RuleInput
		field string
	}{
		{"no course", compliance.RuleInput{}, "course_id"},
		{"unknown course", compliance.RuleInput{CourseID: 999}, "course_id"},
		{"unknown organisation type", compliance.RuleInput{CourseID: cse, OrgType: "council"}, "org_type"},
		{"keyword on two lines", compliance.RuleInput{CourseID: cse, JobTitleKeyword: "social\x00worker"}, "job_title_keyword"},
		{"keyword too long", compliance.RuleInput{CourseID: cse, JobTitleKeyword: strings.Repeat("a", 101)}, "job_title_keyword"},
		{"negative months", compliance.RuleInput{CourseID: cse, RenewMonths: -1}, "renew_months"},
		{"too many months", compliance.RuleInput{CourseID: cse, RenewMonths: 601}, "renew_months"},
	}
	for _, tc := range cases {
		_, err := r.Svc.CreateRule(ctx, tc.in)
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Status != 422 || pe.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want a 422 naming %s", tc.name, err, tc.field)
		}
	}
	if rules, _ := r.Svc.Rules(ctx); len(rules) != 0 {
		t.Fatalf("refused rules were stored: %+v", rules)
	}

	id := r.rule(t, cse, account.SocialCare, "  Social   Worker ", 0)
	rule, err := r.Svc.Rule(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if rule.JobTitleKeyword != "Social Worker" || rule.Renewal() != 36 || rule.OrgType != account.SocialCare {
		t.Errorf("stored %+v", rule)
	}
	if got := rule.WhoLabel(); got != "Children's social care staff whose job title contains “Social Worker”" {
		t.Errorf("who: %q", got)
	}
	if got := rule.RenewalLabel(); got != "Every 36 months (the course's own period)" {
		t.Errorf("renewal: %q", got)
	}
	// The same course for the same people again, ignoring case: refused.
	_, err = r.Svc.CreateRule(ctx, compliance.RuleInput{CourseID: cse, OrgType: account.SocialCare, JobTitleKeyword: "social worker", RenewMonths: 12})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Fields["course_id"] == "" {
		t.Errorf("duplicate: %v", err)
	}
	// Other people, or every type: fine.
	r.rule(t, cse, "", "social worker", 12)
	r.rule(t, cse, account.SocialCare, "", 0)
	once := r.rule(t, r.course(t, "Neglect", 0), "", "", 0)
	rules, err := r.Svc.Rules(ctx)
	if err != nil || len(rules) != 4 {
		t.Fatalf("rules %+v, %v", rules, err)
	}
	if rules[0].CourseTitle != "CSE awareness" || rules[3].ID != once || rules[3].RenewalLabel() != "Once is enough" ||
		rules[3].WhoLabel() != "Staff of every type of organisation" {
		t.Errorf("order or labels: %+v", rules)
	}
	if err := r.Svc.DeleteRule(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := r.Svc.DeleteRule(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := r.Svc.Rule(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted rule: %v", err)
	}
}

func TestMonthsLabel(t *testing.T) {
	for n, want := range map[int]string{0: "Once is enough", 1: "Every month", 36: "Every 36 months"} {
		if got := compliance.MonthsLabel(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}
