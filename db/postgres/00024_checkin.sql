-- +goose Up
-- QR self check-in at the venue, as in db/migrations/00024.
CREATE TABLE checkin_secrets (
    session_id BIGINT PRIMARY KEY REFERENCES course_sessions (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE checkins (
    booking_id BIGINT PRIMARY KEY REFERENCES bookings (id),
    at         TEXT NOT NULL
);

CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkins_no_delete BEFORE DELETE ON checkins
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE checkins;
DROP TABLE checkin_secrets;
