-- +goose Up
-- Two-factor sign-in with a time-based code (TOTP). The row exists from the moment set-up
-- starts; enabled_at stays NULL until the person confirms a first code. last_step is the
-- 30-second step of the last code accepted, so each code works only once. failures counts
-- wrong codes since failures_since, across every browser, so someone who knows the
-- password cannot guess codes without limit by starting sign-in again and again.
CREATE TABLE user_totp (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    enabled_at     TEXT,
    last_step      INTEGER NOT NULL DEFAULT 0,
    failures       INTEGER NOT NULL DEFAULT 0,
    failures_since TEXT
);

-- Single-use recovery codes, hashed like passwords (argon2id).
CREATE TABLE user_recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TEXT
);
CREATE INDEX user_recovery_codes_user ON user_recovery_codes (user_id);

-- API tokens get a name, a last-used time (written at most once a minute) and an
-- optional expiry.
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- +goose Down
DROP INDEX api_tokens_user;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE api_tokens DROP COLUMN name;
DROP TABLE user_recovery_codes;
DROP TABLE user_totp;
