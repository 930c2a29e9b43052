package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/outbox"
)

func TestEmailLogSearchByRecipientAndStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 55 reminders to Pat, the last 3 failed; one to Ada, failed; one to Sam.
	err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		add := func(to, name string, status outbox.Status) error {
			id, err := outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: outbox.Reminder, ToEmail: to, ToName: name}, f.Clock.Now())
			if err == nil {
				_, err = tx.Exec(`UPDATE outbox SET status = ? WHERE id = ?`, status, id)
			}
			return err
		}
		for i := range 55 {
			status := outbox.Sent
			if i >= 52 {
				status = outbox.Failed
			}
			if err := add("Pat.Jones@Police.example.org", "Pat "+id(int64(i)), status); err != nil {
				return err
			}
		}
		if err := add("ada@example.org", "Ada One", outbox.Failed); err != nil {
			return err
		}
		return add("sam@school.example.org", "Sam One", outbox.Sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := f.signedIn(t, "ada@example.org")

	// Part of the address, any case; counts follow the search.
	r := f.get(t, admin, "/admin/emails?to=JONES%40police")
	if r.Status != http.StatusOK {
		t.Fatalf("search: %d", r.Status)
	}
	mustContain(t, r.Body, "Pat 54", "55 messages", "3 messages", `value="JONES@police"`,
		`href="/admin/emails?status=failed&amp;to=JONES%40police"`, `class="table-wrap" tabindex="0" role="region"`)
	mustNotContain(t, r.Body, "Ada One", "Sam One")
	// Paging keeps the search.
	m := regexp.MustCompile(`href="(/admin/emails\?[^"]*before=\d+[^"]*)"`).FindStringSubmatch(r.Body)
	if m == nil || !strings.Contains(m[1], "to=JONES%40police") {
		t.Fatalf("older link %v does not keep the search", m)
	}
	older := f.get(t, admin, strings.ReplaceAll(m[1], "&amp;", "&"))
	mustContain(t, older.Body, "Pat 0<", "Newest messages")
	mustNotContain(t, older.Body, "Ada One", "Sam One", "Pat 54<")

	// With a status too: only Pat's failed messages.
	both := f.get(t, admin, "/admin/emails?to=jones&status=failed")
	mustContain(t, both.Body, "Pat 52", "Pat 53", "Pat 54", `<option value="failed" selected>`)
	mustNotContain(t, both.Body, "Pat 51<", "Ada One")
	// Status alone still shows every recipient.
	failed := f.get(t, admin, "/admin/emails?status=failed")
	mustContain(t, failed.Body, "Ada One", "Pat 54")
	mustNotContain(t, failed.Body, "Sam One")
	// LIKE wildcards are plain characters here.
	mustContain(t, f.get(t, admin, "/admin/emails?to=%25").Body, "No messages to addresses containing")
	// A search no address could match is explained, not a 500.
	bad := f.get(t, admin, "/admin/emails?to="+strings.Repeat("a", 255))
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("long search: %d", bad.Status)
	}
	mustContain(t, bad.Body, `href="#to"`, "254 characters or fewer")
}
