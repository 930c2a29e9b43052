-- +goose Up
-- Reminders a manager sent a member of staff about their required training: one a day
-- per person (a London day), so a second click does not send a second email.
CREATE TABLE staff_reminders (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    day        TEXT NOT NULL, -- London date, e.g. 2026-11-25
    manager_id INTEGER NOT NULL REFERENCES users (id),
    at         TEXT NOT NULL,
    PRIMARY KEY (user_id, day)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE staff_reminders;
