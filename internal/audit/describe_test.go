package audit_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/audit"
)

// TestDescribeHidesSecrets: fields come in name order; passwords, codes and tokens never
// reach the trail, from a form or from JSON; long values are cut.
func TestDescribeHidesSecrets(t *testing.T) {
	form := url.Values{"title": {"CSE awareness"}, "new_password": {"hunter2-hunter2"}, "token": {"abc"},
		"summary": {strings.Repeat("x", 300)}}
	got := audit.Describe(form)
	if strings.Contains(got, "hunter2") || strings.Contains(got, "=abc") {
		t.Errorf("a secret reached the summary: %q", got)
	}
	if !strings.HasPrefix(got, "new_password=[hidden]; summary=") || !strings.HasSuffix(got, "…; title=CSE awareness; token=[hidden]") {
		t.Errorf("summary %q", got)
	}
	js := audit.DescribeJSON([]byte(`{"capacity": 20, "venue": "Guildhall, Bath", "otp_code": "123456", "online": false}`))
	if js != "capacity=20; online=false; otp_code=[hidden]; venue=Guildhall, Bath" {
		t.Errorf("JSON summary %q", js)
	}
	if audit.DescribeJSON([]byte(`[1,2]`)) != "" || audit.DescribeJSON([]byte(`null`)) != "" {
		t.Errorf("a body that is not an object described as something")
	}
}
