package testkit

import (
	"context"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/store"
)

// PlainTextSecrets lists every text or blob value in every table of db that contains one
// of secrets, as "table.column": a test that a flow stores only hashes of its secrets.
func PlainTextSecrets(t *testing.T, db *store.DB, secrets ...string) []string {
	t.Helper()
	names, err := db.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, table := range names {
		rows, err := db.R.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var s string
				switch v := v.(type) {
				case string:
					s = v
				case []byte:
					s = string(v)
				default:
					continue
				}
				for _, secret := range secrets {
					if strings.Contains(s, secret) {
						found = append(found, table+"."+cols[i])
					}
				}
			}
		}
		rows.Close()
	}
	return found
}
