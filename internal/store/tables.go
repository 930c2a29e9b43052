package store

import "context"

// Tables lists the application's tables (not the migration tool's), by name: for the
// copy command and for tests that look through every table.
func (d *DB) Tables(ctx context.Context) ([]string, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`
	if d.Dialect() == Postgres {
		query = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY table_name`
	}
	rows, err := d.R.QueryContext(ctx, query)
	if err != nil {
		return nil, Classify(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// References lists, for each table, the tables its foreign keys point at: the order in
// which rows can be put in (a table after those it references).
func (d *DB) References(ctx context.Context) (map[string][]string, error) {
	tables, err := d.Tables(ctx)
	if err != nil {
		return nil, err
	}
	refs := map[string][]string{}
	for _, t := range tables {
		query := `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`
		if d.Dialect() == Postgres {
			query = `SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc
				JOIN information_schema.constraint_column_usage ccu
				  ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
				WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = ?`
		}
		rows, err := d.R.QueryContext(ctx, query, t)
		if err != nil {
			return nil, Classify(err)
		}
		refs[t] = []string{}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return nil, err
			}
			if r != t {
				refs[t] = append(refs[t], r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return refs, nil
}
