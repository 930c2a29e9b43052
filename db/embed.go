// Package db holds the SQL migrations, embedded so the binary migrates itself.
package db

import "embed"

// FS holds migrations/*.sql for SQLite and postgres/*.sql for PostgreSQL; goose reads
// each folder through fs.Sub.
//
//go:embed migrations/*.sql postgres/*.sql
var FS embed.FS
