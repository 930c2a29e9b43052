-- +goose Up
-- Calendar identity of each booking: a random UID (no personal data) and a SEQUENCE raised
-- on every change, so updates and cancellations replace the event in place.
ALTER TABLE bookings ADD COLUMN ical_uid TEXT;
ALTER TABLE bookings ADD COLUMN ical_sequence INTEGER NOT NULL DEFAULT 0;
UPDATE bookings SET ical_uid = lower(hex(randomblob(16))) WHERE ical_uid IS NULL;
CREATE UNIQUE INDEX bookings_ical_uid ON bookings (ical_uid);

-- The secret in each person's calendar feed address; NULL until they first ask for one.
ALTER TABLE users ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token) WHERE calendar_token IS NOT NULL;

-- Transactional outbox: a row is written in the same transaction as the change that causes
-- it, with a snapshot of what the message must say; the worker renders and sends it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    user_id         INTEGER REFERENCES users (id),
    booking_id      INTEGER REFERENCES bookings (id),
    session_id      INTEGER REFERENCES course_sessions (id),
    recipient_email TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body_text       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'retrying', 'sent', 'failed', 'not_sent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    -- Session mail is pointless once the session has started: give up then.
    expires_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_created ON outbox (created_at, id);

-- Which reminders have gone out, so each is sent once.
CREATE TABLE reminders_sent (
    booking_id     INTEGER NOT NULL REFERENCES bookings (id),
    offset_minutes INTEGER NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (booking_id, offset_minutes)
) WITHOUT ROWID;

-- Single-use password reset links; only a hash of the secret is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
DROP TABLE reminders_sent;
DROP TABLE outbox;
DROP INDEX users_calendar_token;
ALTER TABLE users DROP COLUMN calendar_token;
DROP INDEX bookings_ical_uid;
ALTER TABLE bookings DROP COLUMN ical_sequence;
ALTER TABLE bookings DROP COLUMN ical_uid;
