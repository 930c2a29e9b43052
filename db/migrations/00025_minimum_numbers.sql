-- +goose Up
-- Minimum numbers: a session may name the fewest confirmed places it needs to run (0: no
-- minimum). A notice period before the start (serve --minimum-notice), a session still
-- below it is worth one email to its provider and the admins; minimum_notices records that
-- email, so it goes once per session, however often the job runs and on however many
-- servers.
ALTER TABLE course_sessions ADD COLUMN min_places INTEGER NOT NULL DEFAULT 0
    CHECK (min_places >= 0 AND min_places <= capacity);

CREATE TABLE minimum_notices (
    session_id INTEGER PRIMARY KEY REFERENCES course_sessions (id),
    confirmed  INTEGER NOT NULL,
    sent_at    TEXT NOT NULL
);

-- +goose Down
DROP TABLE minimum_notices;
ALTER TABLE course_sessions DROP COLUMN min_places;
