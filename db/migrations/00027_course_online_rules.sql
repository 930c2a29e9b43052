-- +goose Up
-- How time in an online session, read from the meeting's attendance report, becomes a
-- proposed mark. A course without a row uses the default: 80% of the session attended,
-- any time at all partly attended.
CREATE TABLE course_online_rules (
    course_id        INTEGER PRIMARY KEY REFERENCES courses(id) ON DELETE CASCADE,
    attended_percent INTEGER NOT NULL CHECK (attended_percent BETWEEN 1 AND 100),
    partial_percent  INTEGER NOT NULL CHECK (partial_percent >= 0 AND partial_percent < attended_percent),
    updated_at       TEXT NOT NULL,
    updated_by       INTEGER REFERENCES users(id) ON DELETE SET NULL
);

-- +goose Down
DROP TABLE course_online_rules;
