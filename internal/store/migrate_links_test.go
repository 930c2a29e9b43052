package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrationWithdrawsPlainLinks: migration 19 expires unused confirmation links queued
// with their secret in the payload and withdraws their unsent emails, takes the secrets
// out of every confirmation and approval payload (stored as a blob, as the outbox writes
// them), and removes the cookie-signing keys kept in the database.
func TestMigrationWithdrawsPlainLinks(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "db.sqlite"))
	ctx := context.Background()
	if err := d.MigrateTo(ctx, 18); err != nil {
		t.Fatal(err)
	}
	const secret = "plain-secret-before-the-upgrade-0123456789ab"
	stamp := "'2026-01-01T00:00:00Z'"
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO organisations (id, name, type, created_at) VALUES (1, 'Police', 'police', ` + stamp + `)`, nil},
		{`INSERT INTO users (id, email, name, organisation_id, password_hash, created_at, email_confirmed)
			VALUES (1, 'p@example.org', 'Pat', 1, 'x', ` + stamp + `, 0)`, nil},
		{`INSERT INTO email_confirmations (token_hash, user_id, created_at, expires_at) VALUES ('h', 1, ` + stamp + `, '2999-01-01T00:00:00Z')`, nil},
		{`INSERT INTO outbox (kind, user_id, recipient_email, recipient_name, payload, next_attempt_at, created_at, updated_at)
			VALUES ('email_confirmation', 1, 'p@example.org', 'Pat', ?, ` + stamp + `, ` + stamp + `, ` + stamp + `)`,
			[]any{[]byte(`{"data":{"name":"Pat","token":"` + secret + `"}}`)}},
		{`INSERT INTO outbox (kind, user_id, recipient_email, recipient_name, payload, status, next_attempt_at, created_at, updated_at)
			VALUES ('approval_requested', 1, 'm@example.org', 'Mo', ?, 'sent', ` + stamp + `, ` + stamp + `, ` + stamp + `)`,
			[]any{[]byte(`{"data":{"request_id":4,"token":"` + secret + `"}}`)}},
		{`INSERT INTO settings (key, value) VALUES ('two_factor_remember_key', '` + secret + `'), ('device_cookie_key', '` + secret + `')`, nil},
	} {
		if _, err := d.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var live, secrets, remember int
	if err := d.R.QueryRow(`SELECT
		(SELECT count(*) FROM email_confirmations WHERE expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
		(SELECT count(*) FROM outbox WHERE CAST(payload AS TEXT) LIKE '%`+secret+`%'),
		(SELECT count(*) FROM settings WHERE key IN ('two_factor_remember_key', 'device_cookie_key'))`).Scan(&live, &secrets, &remember); err != nil {
		t.Fatal(err)
	}
	if live != 0 || secrets != 0 || remember != 0 {
		t.Fatalf("after migration: %d live confirmation links, %d payloads with the secret, %d cookie keys", live, secrets, remember)
	}
	rows, err := d.R.Query(`SELECT kind, status, last_error, CAST(payload AS TEXT) FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, status, lastErr, payload string
		if err := rows.Scan(&kind, &status, &lastErr, &payload); err != nil {
			t.Fatal(err)
		}
		switch kind {
		case "email_confirmation":
			if status != "failed" || !strings.Contains(lastErr, "withdrawn") || payload != `{"data":{"name":"Pat"}}` {
				t.Errorf("confirmation email after migration: %s %q %s", status, lastErr, payload)
			}
		case "approval_requested":
			if status != "sent" || payload != `{"data":{"request_id":4}}` {
				t.Errorf("approval email after migration: %s %s", status, payload)
			}
		}
	}
}
