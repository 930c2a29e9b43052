-- +goose Up
-- Secrets at rest: only hashes of secrets are stored.
--
-- Sign-in sessions are now stored under a SHA-256 hash of the cookie's token, never the
-- token itself (internal/account/sessionstore.go). Rows written before this hold plain
-- tokens, which no cookie can match any more and which would sign in whoever read them:
-- remove them all. Everyone is signed out once and signs in again.
DELETE FROM web_sessions;

-- Calendar feed addresses are now shown once, when made, and only a hash of their secret
-- is kept in users.calendar_token. The plain ones cannot be hashed into addresses anyone
-- still has written down usefully, and they are readable by anyone with the database:
-- clear them. Old feed addresses stop working; people make a new one from My training,
-- which says so.
UPDATE users SET calendar_token = NULL WHERE calendar_token IS NOT NULL;

-- Password links are now minted when their email is sent: the outbox row carries the
-- link's id (link_id), never its secret. Links queued or sent before this carried their
-- secret in plain text in the outbox payload: expire every one still unused (people ask
-- for a new link, as after any hour), withdraw their unsent emails, and blank every
-- stored reset payload.
ALTER TABLE password_resets ADD COLUMN link_id INTEGER;
CREATE UNIQUE INDEX password_resets_link ON password_resets (link_id) WHERE link_id IS NOT NULL;
UPDATE password_resets SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE used_at IS NULL AND expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
UPDATE outbox SET status = 'failed',
    last_error = 'Not sent: links queued before an upgrade were withdrawn. Ask for a new link.'
    WHERE kind = 'password_reset' AND status IN ('queued', 'retrying');
UPDATE outbox SET payload = '{}' WHERE kind = 'password_reset';

-- +goose Down
-- Hashed keys cannot be turned back into tokens: going back signs everyone out too.
DELETE FROM web_sessions;
DROP INDEX password_resets_link;
ALTER TABLE password_resets DROP COLUMN link_id;
