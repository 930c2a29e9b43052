-- +goose Up
-- When a password last changed: sign-in sessions that began before it end, so a reset
-- after a stolen password throws the thief out.
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- +goose Down
ALTER TABLE users DROP COLUMN password_changed_at;
