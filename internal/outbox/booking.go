package outbox

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/booking/waitlist"
	"github.com/traininghub/traininghub/internal/store"
)

// Options say how a booking message differs from the plain case.
type Options struct {
	// BumpSequence raises the booking's calendar SEQUENCE first: every calendar update or
	// cancellation must carry a higher number than the invite it replaces.
	BumpSequence bool
	ByOrganiser  bool
	Reason       string
	Changes      []string
	Lead         string
}

// EnqueueBookingTx snapshots a booking inside the caller's transaction and queues the
// message of the given kind to its holder. Session mail expires when the session starts.
func EnqueueBookingTx(ctx context.Context, tx *sql.Tx, kind Kind, bookingID int64, opt Options, now time.Time) error {
	s, userID, err := ReadBookingSnapshotTx(ctx, tx, bookingID, opt)
	if err != nil {
		return err
	}
	return EnqueueSnapshotTx(ctx, tx, kind, s, userID, now)
}

// ReadBookingSnapshotTx reads, inside the caller's transaction, what a message about a
// booking says, and whose booking it is. With opt.BumpSequence it first raises the
// booking's calendar SEQUENCE.
func ReadBookingSnapshotTx(ctx context.Context, tx *sql.Tx, bookingID int64, opt Options) (BookingSnapshot, int64, error) {
	if opt.BumpSequence {
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET ical_sequence = ical_sequence + 1 WHERE id = ?`, bookingID); err != nil {
			return BookingSnapshot{}, 0, err
		}
	}
	s := BookingSnapshot{BookingID: bookingID, ByOrganiser: opt.ByOrganiser, Reason: opt.Reason,
		Changes: opt.Changes, Lead: opt.Lead}
	var userID int64
	var starts, ends store.Time
	err := tx.QueryRowContext(ctx, `SELECT b.session_id, s.course_id, COALESCE(b.ical_uid, ''), b.ical_sequence, b.user_id,
		u.name, u.email, c.title, c.summary, s.starts_at, s.ends_at, s.online, s.venue, s.online_url,
		CASE WHEN b.status = 'waitlisted' THEN `+waitlist.PositionSQL("b")+` ELSE 0 END
		FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		JOIN users u ON u.id = b.user_id WHERE b.id = ?`, bookingID).
		Scan(&s.SessionID, &s.CourseID, &s.UID, &s.Sequence, &userID, &s.PersonName, &s.PersonEmail, &s.CourseTitle,
			&s.CourseSummary, &starts, &ends, &s.Online, &s.Venue, &s.OnlineURL, &s.WaitlistPosition)
	if err != nil {
		return BookingSnapshot{}, 0, err
	}
	s.StartsAt, s.EndsAt = starts.T, ends.T
	return s, userID, nil
}

// EnqueueSnapshotTx queues the message of the given kind for a snapshot the caller
// already holds: the booking engine has read every fact in it while deciding, so it does
// not read them again. The snapshot is stamped with now (the calendar's DTSTAMP).
func EnqueueSnapshotTx(ctx context.Context, tx *sql.Tx, kind Kind, s BookingSnapshot, userID int64, now time.Time) error {
	s.Stamp = now.UTC().Truncate(time.Second)
	_, err := EnqueueTx(ctx, tx, Row{Kind: kind, UserID: userID, BookingID: s.BookingID, SessionID: s.SessionID,
		ToEmail: s.PersonEmail, ToName: s.PersonName, Payload: Payload{Booking: &s}, ExpiresAt: s.StartsAt}, now)
	return err
}
