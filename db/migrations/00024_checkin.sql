-- +goose Up
-- QR self check-in at the venue (internal/checkin).
--
-- Each session's check-in codes are derived from a random secret of its own, made when a
-- trainer first opens the check-in page, mixed with a key from the secret key file so a
-- copy of the database alone cannot work the codes out.
CREATE TABLE checkin_secrets (
    session_id INTEGER PRIMARY KEY REFERENCES course_sessions (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One row per booking whose holder checked in: when (UTC). Append-only, like the other
-- history tables: booking.HistorySQL shows it as a line of the booking's history.
CREATE TABLE checkins (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings (id),
    at         TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins
BEGIN
    SELECT RAISE(ABORT, 'checkins is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER checkins_no_delete BEFORE DELETE ON checkins
BEGIN
    SELECT RAISE(ABORT, 'checkins is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE checkins;
DROP TABLE checkin_secrets;
