package course

import (
	"context"
	"database/sql"
)

// CourseTx reads a course inside a write transaction, so the audit trail can record what
// a change left behind before it commits.
func CourseTx(ctx context.Context, tx *sql.Tx, id int64) (Course, error) {
	return scanCourse(tx.QueryRowContext(ctx, `SELECT `+courseColumns+`
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id WHERE c.id = ?`, id))
}

// SessionTx reads a session inside a write transaction, as CourseTx does a course.
func SessionTx(ctx context.Context, tx *sql.Tx, id int64) (Session, error) {
	return oneSession(ctx, tx, id)
}
