-- +goose Up
-- When each person last signed in, for their subject access download and for the
-- retention job's test of inactivity. Only single sign-on kept this before.
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;
UPDATE users SET last_sign_in_at = (SELECT max(s.last_sign_in_at) FROM sso_identities s WHERE s.user_id = users.id);

-- Sign-ins were not recorded before this upgrade, so the retention job judges nobody
-- inactive for longer than the time since it was applied (goose_db_version keeps when).

-- One row per person erased: by an admin on request, or by the retention job
-- (carried_out_by NULL).
CREATE TABLE erasures (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL UNIQUE REFERENCES users (id),
    request_received_on TEXT NOT NULL, -- London date, e.g. 2026-11-25
    reference           TEXT NOT NULL CHECK (length(trim(reference)) > 0),
    note                TEXT NOT NULL DEFAULT '',
    carried_out_by      INTEGER REFERENCES users (id),
    carried_out_at      TEXT NOT NULL
);
CREATE INDEX erasures_at ON erasures (carried_out_at, id);

-- A certificate whose holder was erased stops verifying, and says why.
ALTER TABLE certificates ADD COLUMN erased_at TEXT;

-- Email content is deleted after the retention period (or at erasure); what stays is
-- the kind, status, dates and how many people it went to.
ALTER TABLE outbox ADD COLUMN recipient_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN content_deleted_at TEXT;
ALTER TABLE outbox ADD COLUMN content_deleted_note TEXT NOT NULL DEFAULT '';

-- Every version of the privacy notice an admin saved; the newest is shown.
CREATE TABLE privacy_notices (
    id        INTEGER PRIMARY KEY,
    body      TEXT NOT NULL,
    edited_by INTEGER REFERENCES users (id),
    edited_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE privacy_notices;
ALTER TABLE outbox DROP COLUMN content_deleted_note;
ALTER TABLE outbox DROP COLUMN content_deleted_at;
ALTER TABLE outbox DROP COLUMN recipient_count;
ALTER TABLE certificates DROP COLUMN erased_at;
DROP TABLE erasures;
ALTER TABLE users DROP COLUMN last_sign_in_at;
