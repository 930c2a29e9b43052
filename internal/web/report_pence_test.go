package web

import (
	"testing"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
)

func TestParsePence(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"25", 2500, true},
		{"25.5", 2550, true},
		{"25.50", 2550, true},
		{"25.05", 2505, true},
		{"£1,250.00", 125000, true},
		{"1,250", 125000, true},
		{"1250", 125000, true},
		{" £ 12.75 ", 1275, true},
		{"0", 0, true},
		{"0.01", 1, true},
		{"0.5", 50, true},
		{"100,000.00", 10000000, true},
		{"1,234,567.89", 123456789, true},

		{"25.555", 0, false},
		{"-1", 0, false},
		{"-0.50", 0, false},
		{"abc", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
		{"£", 0, false},
		{"25.", 0, false},
		{".50", 0, false},
		{"25.5.0", 0, false},
		{"12,50", 0, false},
		{"1,2500", 0, false},
		{",250", 0, false},
		{"1,,250", 0, false},
		{"+25", 0, false},
		{"25p", 0, false},
		{"$25", 0, false},
		{"２５", 0, false}, // full-width digits
		{"0x19", 0, false},
		{"25 00", 0, false},
		{"9999999999", 0, false}, // more than nine digits of pounds
		{"NaN", 0, false},
		{"Inf", 0, false},
	} {
		got, err := parsePence(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parsePence(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestReadCharges(t *testing.T) {
	v := problem.Validation{}
	var in course.CourseInput
	readCharges(map[string]string{"charge_dna": "£1,250.00", "charge_late": ""}, &in, v)
	if len(v) != 0 || in.ChargeDNAPence != 125000 || in.ChargeLatePence != 0 {
		t.Errorf("%v %+v", v, in)
	}
	v = problem.Validation{}
	in = course.CourseInput{}
	readCharges(map[string]string{"charge_dna": "25.555", "charge_late": "100,000.01"}, &in, v)
	if v["charge_dna"] == "" || v["charge_late"] == "" || in.ChargeDNAPence != 0 || in.ChargeLatePence != 0 {
		t.Errorf("%v %+v", v, in)
	}
	form := map[string]string{}
	chargeFormValues(course.Course{ChargeDNAPence: 2550, ChargeLatePence: 0}, form)
	if form["charge_dna"] != "25.50" || form["charge_late"] != "" {
		t.Errorf("form %v", form)
	}
}
