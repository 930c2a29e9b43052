-- +goose Up
-- "Did it change practice?": some weeks after a session (91 days by default, about three
-- months; 0 = no follow-up) each person who attended is asked how their practice changed.
ALTER TABLE courses ADD COLUMN impact_followup_days INTEGER NOT NULL DEFAULT 91
    CHECK (impact_followup_days BETWEEN 0 AND 365);

-- What was sent for each booking: the follow-up, then at most one reminder. The row is
-- written in the same transaction as the email, so nothing is sent twice.
CREATE TABLE impact_followups (
    booking_id  INTEGER PRIMARY KEY REFERENCES bookings (id),
    asked_at    TEXT NOT NULL,
    reminded_at TEXT
);

-- One answer per booking, separate from the end-of-session evaluation. Confidence is on
-- a 1 to 5 scale. Examples are quoted (anonymised) only when share_examples is 1.
CREATE TABLE impact_answers (
    booking_id        INTEGER PRIMARY KEY REFERENCES bookings (id),
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
