-- +goose Up
-- Secrets at rest, continued (after 00016): no link's secret waits in the queue.
--
-- Email confirmation links are now minted when their email is sent, as password links
-- are: the outbox row carries the link's id (link_id), never its secret. Links queued or
-- sent before this carried their secret in plain text in the outbox payload: expire every
-- one still unused (a person still unconfirmed signs in and asks for a new link, as after
-- any 24 hours), withdraw their unsent emails, and take the secret out of every payload.
ALTER TABLE email_confirmations ADD COLUMN link_id INTEGER;
CREATE UNIQUE INDEX email_confirmations_link ON email_confirmations (link_id) WHERE link_id IS NOT NULL;
UPDATE email_confirmations SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE link_id IS NULL AND used_at IS NULL AND expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
UPDATE outbox SET status = 'failed',
    last_error = 'Not sent: links queued before an upgrade were withdrawn. Ask for a new link.'
    WHERE kind = 'email_confirmation' AND status IN ('queued', 'retrying');
UPDATE outbox SET payload = json_remove(CAST(payload AS TEXT), '$.data.token')
    WHERE kind = 'email_confirmation' AND json_valid(CAST(payload AS TEXT));

-- Approval emails now link to the request's page by its number (the page needs a
-- signed-in manager or admin anyway), so they carry no token. Take the tokens out of the
-- queued and sent ones; the links already in managers' inboxes keep working, because
-- approval_requests keeps their hashes.
UPDATE outbox SET payload = json_remove(CAST(payload AS TEXT), '$.data.token')
    WHERE kind = 'approval_requested' AND json_valid(CAST(payload AS TEXT));

-- Remembered-browser cookies and sign-in device cookies are now signed with keys derived
-- from the secret key file (--secret-key-file), not keys kept in the database, where
-- whoever read them could forge a cookie. Remove the old keys: remembered browsers ask
-- for a code once more, and known browsers count as unknown until their next sign-in.
-- Two-factor secrets are encrypted with the same key file at start-up, by the program
-- (account.Service.UseSecretKey), because SQL cannot: see docs/accounts.md.
DELETE FROM settings WHERE key IN ('two_factor_remember_key', 'device_cookie_key');

-- +goose Down
DROP INDEX email_confirmations_link;
ALTER TABLE email_confirmations DROP COLUMN link_id;
