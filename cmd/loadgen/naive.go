package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/traininghub/traininghub/internal/store"
)

// measureNaive commits n one-row, booking-shaped inserts straight through database/sql on
// a fresh file, perGroup rows to a commit: the naive ceiling that the real booking engine
// is compared with. It has none of the engine's rules, history or email.
func measureNaive(ctx context.Context, path string, sync store.Sync, n, perGroup int) (result, error) {
	params := url.Values{}
	params.Set("_journal_mode", "WAL")
	params.Set("_synchronous", string(sync))
	params.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+params.Encode())
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE bookings (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL,
		user_id INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (session_id, user_id))`); err != nil {
		return result{}, err
	}
	var r result
	began := time.Now()
	for r.ok < int64(n) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return r, err
		}
		for range min(perGroup, n-int(r.ok)) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bookings (session_id, user_id, status, created_at) VALUES (?, ?, 'confirmed', ?)`,
				r.ok%10, r.ok, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
				_ = tx.Rollback()
				return r, fmt.Errorf("naive insert: %w", err)
			}
			r.ok++
		}
		if err := tx.Commit(); err != nil {
			return r, err
		}
	}
	r.elapsed = time.Since(began)
	return r, nil
}
