package store

import "strings"

// Dialect names the database behind a DB. Packages write one SQL text per query; they
// ask the dialect only for what cannot be shared, such as row locks.
type Dialect string

const (
	// SQLite is the embedded default: one file, one writer.
	SQLite Dialect = "sqlite"
	// Postgres is a shared PostgreSQL database that several serve processes can use.
	Postgres Dialect = "postgres"
)

// IsPostgresURL reports whether a --db setting names a PostgreSQL database rather than a
// SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Dialect is the database this DB talks to.
func (d *DB) Dialect() Dialect {
	if d.dialect == "" {
		return SQLite
	}
	return d.dialect
}

// LockRows is the clause that ends a SELECT inside a Write whose answer decides what the
// write does, locking the rows it read from table alias until the commit. On SQLite it
// is empty: a Write already holds the database's only write lock from its first
// statement. On PostgreSQL it is FOR UPDATE OF alias, the same guarantee for those rows.
func (d *DB) LockRows(alias string) string {
	if d.Dialect() == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// SafeAddress is a --db setting fit for a log or a message: a file path as it is, a
// PostgreSQL address without its password.
func SafeAddress(s string) string {
	if IsPostgresURL(s) {
		return redactDSN(s)
	}
	return s
}
