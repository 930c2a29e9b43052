package store

import (
	"context"
	"database/sql"
)

// Querier is what reads rows: a transaction or a pool.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// QueryIDs runs a query whose one column is an id and returns the ids in order. It reads
// every row and closes them before returning, so the caller may write in the same
// transaction straight after (PostgreSQL allows no other statement on a connection while
// rows are open).
func QueryIDs(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, Classify(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, Classify(rows.Err())
}
