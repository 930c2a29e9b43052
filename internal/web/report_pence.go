package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/report"
)

// maxChargePence is the largest charge a course may carry (£100,000.00), as the course
// package checks it.
const maxChargePence = 100000_00

var errNotMoney = errors.New("not an amount of money")

// parsePence reads an amount typed in pounds and pence ("25", "25.5", "25.50",
// "£1,250.00") as whole pence, without floating point: the pounds and the pence are read
// as two integers. Negative amounts, more than two decimal places, exponents and commas
// out of place are refused.
func parsePence(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(s, "£"))
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || hasPoint && (frac == "" || len(frac) > 2) {
		return 0, errNotMoney
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, errNotMoney
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, errNotMoney
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) || !allDigits(frac) || len(whole) > 9 {
		return 0, errNotMoney
	}
	pounds, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errNotMoney
	}
	var pence int64
	if frac != "" {
		if pence, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, errNotMoney
		}
		if len(frac) == 1 {
			pence *= 10 // "25.5" is 25 pounds 50
		}
	}
	return pounds*100 + pence, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// chargeFields are the course form's two charges: form field, label for messages.
var chargeFields = []struct{ name, what string }{
	{"charge_dna", "charge for not attending"},
	{"charge_late", "charge for late cancellation"},
}

// readCharges reads the course form's charges into in; blank means no charge.
func readCharges(form map[string]string, in *course.CourseInput, v problem.Validation) {
	for i, f := range chargeFields {
		s := strings.TrimSpace(form[f.name])
		if s == "" {
			continue
		}
		pence, err := parsePence(s)
		switch {
		case err != nil:
			v.Add(f.name, "Enter the "+f.what+" in pounds and pence, like 25.00, or leave it blank")
			continue
		case pence > maxChargePence:
			v.Add(f.name, "Enter a "+f.what+" of £100,000 or less")
			continue
		}
		if i == 0 {
			in.ChargeDNAPence = pence
		} else {
			in.ChargeLatePence = pence
		}
	}
}

// chargeFormValues shows a course's charges in the form, as typed: "25.00", blank for none.
func chargeFormValues(crs course.Course, form map[string]string) {
	if crs.ChargeDNAPence != 0 {
		form["charge_dna"] = report.PoundsPlain(crs.ChargeDNAPence)
	}
	if crs.ChargeLatePence != 0 {
		form["charge_late"] = report.PoundsPlain(crs.ChargeLatePence)
	}
}
