// Package db holds the SQL migrations, embedded so the binary migrates itself.
package db

import "embed"

// FS holds migrations/*.sql; goose reads them through fs.Sub(FS, "migrations").
//
//go:embed migrations/*.sql
var FS embed.FS
