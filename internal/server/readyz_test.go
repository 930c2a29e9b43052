package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/traininghub/traininghub/internal/server/servertest"
)

// TestReadyzAnswersEachCheck: a healthy server answers 200 with each check "ok" and no
// store of the answer; anyone may ask.
func TestReadyzAnswersEachCheck(t *testing.T) {
	s := servertest.New(t)
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Status  string            `json:"status"`
		Checks  map[string]string `json:"checks"`
		Failing []string          `json:"failing"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || got.Status != "ready" || len(got.Failing) != 0 ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("/readyz = %d %+v (Cache-Control %q)", resp.StatusCode, got, resp.Header.Get("Cache-Control"))
	}
	for _, name := range []string{"database_writable", "migrations", "disk_space", "storage_full"} {
		if got.Checks[name] != "ok" {
			t.Errorf("%s = %q", name, got.Checks[name])
		}
	}
}
