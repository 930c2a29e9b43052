-- +goose Up
-- Impact follow-ups, as in db/migrations/00026.
ALTER TABLE courses ADD COLUMN impact_followup_days INTEGER NOT NULL DEFAULT 91
    CHECK (impact_followup_days BETWEEN 0 AND 365);

CREATE TABLE impact_followups (
    booking_id  BIGINT PRIMARY KEY REFERENCES bookings (id),
    asked_at    TEXT NOT NULL,
    reminded_at TEXT
);

CREATE TABLE impact_answers (
    booking_id        BIGINT PRIMARY KEY REFERENCES bookings (id),
    confidence_before INTEGER NOT NULL CHECK (confidence_before BETWEEN 1 AND 5),
    confidence_after  INTEGER NOT NULL CHECK (confidence_after BETWEEN 1 AND 5),
    change_made       TEXT NOT NULL DEFAULT '',
    examples          TEXT NOT NULL DEFAULT '',
    share_examples    INTEGER NOT NULL DEFAULT 0 CHECK (share_examples IN (0, 1)),
    submitted_at      TEXT NOT NULL
);

-- +goose Down
DROP TABLE impact_answers;
DROP TABLE impact_followups;
ALTER TABLE courses DROP COLUMN impact_followup_days;
