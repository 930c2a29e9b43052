-- +goose Up
-- Self-registration that cannot be abused (issue 9).
--
-- email_confirmed: 0 only for an account someone created for themselves on the register
-- page and has not yet confirmed through the emailed link. Everything else counts as
-- confirmed, so the default is 1: existing accounts (this backfill), accounts an admin
-- adds (the admin vouches for the address, and the welcome link goes to it), the CLI
-- (run by whoever operates the server), walk-ins (a trainer met the person and typed the
-- address; removing them after a week would lose their attendance) and demo data.
--
-- membership: 'member' belongs to organisation_id; 'requested' asked to join it and waits
-- for its manager or an admin; 'declined' was refused. Only a confirmed member may book or
-- appear in a manager's matrix.
ALTER TABLE users ADD COLUMN email_confirmed INTEGER NOT NULL DEFAULT 1 CHECK (email_confirmed IN (0, 1));
ALTER TABLE users ADD COLUMN membership TEXT NOT NULL DEFAULT 'member'
    CHECK (membership IN ('member', 'requested', 'declined'));
CREATE INDEX users_unconfirmed ON users (created_at) WHERE email_confirmed = 0;

-- Email confirmation links, stored like password reset links: only the SHA-256 hash of
-- the secret, single use, with an expiry.
CREATE TABLE email_confirmations (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) WITHOUT ROWID;
CREATE INDEX email_confirmations_user ON email_confirmations (user_id);

-- A request to join an organisation from an address not on its domains. One per account;
-- it reaches the organisation's managers once the address is confirmed (notified_at).
CREATE TABLE join_requests (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    notified_at     TEXT,
    decision        TEXT CHECK (decision IN ('approved', 'declined')),
    decided_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at      TEXT
);
CREATE INDEX join_requests_waiting ON join_requests (organisation_id, notified_at) WHERE decision IS NULL;

-- Request counters for registration and password-reset requests (internal/ratelimit):
-- one fixed window per key, kept in the database so a restart does not reset them.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    window_end   TEXT NOT NULL,
    hits         INTEGER NOT NULL CHECK (hits >= 0)
) WITHOUT ROWID;
CREATE INDEX rate_limits_end ON rate_limits (window_end);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE join_requests;
DROP TABLE email_confirmations;
DROP INDEX users_unconfirmed;
ALTER TABLE users DROP COLUMN membership;
ALTER TABLE users DROP COLUMN email_confirmed;
