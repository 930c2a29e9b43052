-- +goose Up
-- Sign-in sessions are now stored under a SHA-256 hash of the cookie's token, never the
-- token itself (internal/account/sessionstore.go). Rows written before this hold plain
-- tokens, which no cookie can match any more and which would sign in whoever read them:
-- remove them all. Everyone is signed out once and signs in again.
DELETE FROM web_sessions;

-- +goose Down
-- Hashed keys cannot be turned back into tokens: going back signs everyone out too.
DELETE FROM web_sessions;
