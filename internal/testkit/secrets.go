package testkit

import (
	"database/sql"
	"strings"
	"testing"
)

// PlainTextSecrets lists every text or blob value in every table of db that contains one
// of secrets, as "table.column": a test that a flow stores only hashes of its secrets.
func PlainTextSecrets(t *testing.T, db *sql.DB, secrets ...string) []string {
	t.Helper()
	tables, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	tables.Close()
	var found []string
	for _, table := range names {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
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
