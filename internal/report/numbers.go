package report

import "strconv"

// Rate is a fraction kept as two integers, so it is rounded once, at the end, the same
// way everywhere.
type Rate struct {
	Num, Den int64
}

// OK reports whether the rate exists (its denominator is not zero).
func (r Rate) OK() bool { return r.Den > 0 }

// Tenths is the rate in tenths of a percent, rounded half up: 1/3 is 333, 1/8 is 125
// (12.5%), 1/16 is 63 (6.25% rounds to 6.3%). ok is false when the denominator is 0.
func (r Rate) Tenths() (tenths int64, ok bool) {
	if r.Den <= 0 {
		return 0, false
	}
	return roundDiv(r.Num*1000, r.Den), true
}

// String is the rate as a percentage with one decimal, like "12.5%", or "—" when there
// is no denominator.
func (r Rate) String() string {
	t, ok := r.Tenths()
	if !ok {
		return "—"
	}
	return Tenth(t) + "%"
}

// Plain is the percentage without the sign, for CSV columns headed "(%)": "12.5", or
// "" when there is no rate.
func (r Rate) Plain() string {
	t, ok := r.Tenths()
	if !ok {
		return ""
	}
	return Tenth(t)
}

// Tenth writes a number of tenths with one decimal: 125 is "12.5", 5 is "0.5".
func Tenth(t int64) string {
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	return sign + strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10)
}

// roundDiv is n/d rounded half up, for n >= 0 and d > 0.
func roundDiv(n, d int64) int64 { return (2*n + d) / (2 * d) }

// AverageTenths is sum/n in tenths, rounded half up (ratings of 4, 4 and 5 average 43,
// shown "4.3"); ok is false when n is 0.
func AverageTenths(sum, n int64) (tenths int64, ok bool) {
	if n <= 0 {
		return 0, false
	}
	return roundDiv(sum*10, n), true
}

// Pounds writes an amount in pence as money people read: 123450 is "£1,234.50", 5 is
// "£0.05", -250 is "-£2.50". Integer arithmetic only.
func Pounds(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return sign + "£" + groupThousands(pence/100) + "." + twoDigits(pence%100)
}

// PoundsPlain writes pence as a plain decimal for spreadsheets and form fields:
// 123450 is "1234.50".
func PoundsPlain(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return sign + strconv.FormatInt(pence/100, 10) + "." + twoDigits(pence%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// groupThousands writes n >= 0 with commas: 1234567 is "1,234,567".
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	head := len(s) % 3
	out := make([]byte, 0, len(s)+len(s)/3)
	if head > 0 {
		out = append(out, s[:head]...)
	}
	for i := head; i < len(s); i += 3 {
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}

// Count writes a whole number with thousands separators, as the page shows counts.
func Count(n int) string {
	if n < 0 {
		return "-" + groupThousands(int64(-n))
	}
	return groupThousands(int64(n))
}
