package store

import "testing"

func TestRebindPostgres(t *testing.T) {
	cases := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT id FROM users WHERE email = ? AND active = ?`, `SELECT id FROM users WHERE email = $1 AND active = $2`},
		{`SELECT ?2, ?1, ?2`, `SELECT $2, $1, $2`},
		{`SELECT '?', "a?b", ? -- why?
		, ? /* what? */ , ?`, `SELECT '?', "a?b", $1 -- why?
		, $2 /* what? */ , $3`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`WHERE x LIKE ? ESCAPE '\' AND y = ?`, `WHERE x LIKE $1 ESCAPE '\' AND y = $2`},
		{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
	}
	for _, c := range cases {
		if got := rebindPostgres(c.in); got != c.want {
			t.Errorf("rebindPostgres(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
