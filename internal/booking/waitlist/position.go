// Package waitlist holds the one definition of a place on a waiting list, shared by the
// booking engine and the outbox (which cannot import the engine: the engine queues mail).
package waitlist

// PositionSQL is a waiting-list booking's position as an SQL expression over the bookings
// row aliased alias: one more than the people on the same session's list who joined
// before it, ties at one instant broken by booking number. The row-value comparison lets
// SQLite bound the count by the bookings_session_status index.
func PositionSQL(alias string) string {
	return `(SELECT 1 + count(*) FROM bookings o WHERE o.session_id = ` + alias + `.session_id
		AND o.status = 'waitlisted' AND (o.waitlisted_at, o.id) < (` + alias + `.waitlisted_at, ` + alias + `.id))`
}
