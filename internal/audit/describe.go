package audit

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// secretFields never reach the trail: their values are replaced.
var secretFields = []string{"password", "token", "secret", "code", "csrf", "otp"}

// Describe writes submitted fields as "name=value; ...", in name order, with secrets
// hidden and long values cut, so the trail says what was asked for without holding
// credentials.
func Describe(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		val := strings.Join(v[k], ", ")
		lower := strings.ToLower(k)
		for _, s := range secretFields {
			if strings.Contains(lower, s) {
				val = "[hidden]"
			}
		}
		if r := []rune(val); len(r) > 200 {
			val = string(r[:200]) + "…"
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + "=" + val)
		if b.Len() > 2000 {
			break
		}
	}
	return b.String()
}

// DescribeJSON is Describe for a JSON object sent to the API: its top-level fields, each
// value as JSON, secrets hidden. Anything that is not an object describes as "".
func DescribeJSON(body []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	v := url.Values{}
	for k, raw := range fields {
		v.Set(k, strings.Trim(string(raw), `"`))
	}
	return Describe(v)
}
