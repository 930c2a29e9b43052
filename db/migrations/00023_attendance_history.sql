-- +goose Up
-- Attendance marks had been written into booking_history as if they were booking states
-- (to_status 'attended'), so two packages wrote one table. Marks have their own history
-- now, owned by attendance; booking_history keeps booking states only, owned by booking.
CREATE TABLE attendance_history (
    id         INTEGER PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id),
    from_mark  TEXT CHECK (from_mark IS NULL OR from_mark IN ('attended', 'partial', 'absent')),
    to_mark    TEXT NOT NULL CHECK (to_mark IN ('attended', 'partial', 'absent')),
    actor_id   INTEGER REFERENCES users (id),
    at         TEXT NOT NULL
);
CREATE INDEX attendance_history_booking ON attendance_history (booking_id, id);

INSERT INTO attendance_history (booking_id, from_mark, to_mark, actor_id, at)
SELECT booking_id, from_status, to_status, actor_id, at FROM booking_history
WHERE to_status IN ('attended', 'partial', 'absent') ORDER BY id;

-- booking_history is append-only; this one move is the exception, made here.
DROP TRIGGER booking_history_no_delete;
DELETE FROM booking_history WHERE to_status IN ('attended', 'partial', 'absent');
-- +goose StatementBegin
CREATE TRIGGER booking_history_no_delete BEFORE DELETE ON booking_history
BEGIN
    SELECT RAISE(ABORT, 'booking_history is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER attendance_history_no_update BEFORE UPDATE ON attendance_history
BEGIN
    SELECT RAISE(ABORT, 'attendance_history is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_history_no_delete BEFORE DELETE ON attendance_history
BEGIN
    SELECT RAISE(ABORT, 'attendance_history is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE attendance_history;
