package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the PostgreSQL notification channel every committed Write (not
// WriteUnseen) notifies, so that each server's Generation counts the other servers'
// changes too and their caches never show a page staler than the notification's delay.
const changesChannel = "traininghub_changes"

// listenForChanges keeps one connection listening on changesChannel until Close, adding
// one to Generation for each notification. Should the connection drop, it counts one
// change (it may have missed some) and connects again a second later.
func (d *DB) listenForChanges(cfg *pgx.ConnConfig) {
	ctx, cancel := context.WithCancel(context.Background())
	d.stopListening = cancel
	done := make(chan struct{})
	d.listening = done
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			d.listenOnce(ctx, cfg)
			d.generation.Add(1)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

func (d *DB) listenOnce(ctx context.Context, cfg *pgx.ConnConfig) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+changesChannel); err != nil {
		return
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return
		}
		d.generation.Add(1)
	}
}
