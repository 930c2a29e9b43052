-- +goose Up
-- Minimum numbers per session and the one notice each may get, as in db/migrations/00025.
ALTER TABLE course_sessions ADD COLUMN min_places INTEGER NOT NULL DEFAULT 0;
ALTER TABLE course_sessions ADD CONSTRAINT course_sessions_min_places
    CHECK (min_places >= 0 AND min_places <= capacity);

CREATE TABLE minimum_notices (
    session_id BIGINT PRIMARY KEY REFERENCES course_sessions (id),
    confirmed  INTEGER NOT NULL,
    sent_at    TEXT NOT NULL
);

-- +goose Down
DROP TABLE minimum_notices;
ALTER TABLE course_sessions DROP COLUMN min_places;
