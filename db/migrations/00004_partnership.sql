-- +goose Up
-- Teams let managers filter their staff; job titles already exist.
ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT '';

-- Partner courses wait for an admin unless the partnership lets them go live at once.
ALTER TABLE courses ADD COLUMN approval TEXT NOT NULL DEFAULT 'approved'
    CHECK (approval IN ('approved', 'pending', 'rejected'));
ALTER TABLE courses ADD COLUMN approval_note TEXT NOT NULL DEFAULT '';

-- Manager approval before a place is confirmed, optionally holding a place meanwhile.
ALTER TABLE courses ADD COLUMN manager_approval INTEGER NOT NULL DEFAULT 0 CHECK (manager_approval IN (0, 1));
ALTER TABLE courses ADD COLUMN approval_hold_days INTEGER NOT NULL DEFAULT 0
    CHECK (approval_hold_days BETWEEN 0 AND 60);

-- Non-attendance charges, in pence (never floating point). 0: no charge.
ALTER TABLE courses ADD COLUMN charge_dna_pence INTEGER NOT NULL DEFAULT 0 CHECK (charge_dna_pence >= 0);
ALTER TABLE courses ADD COLUMN charge_late_pence INTEGER NOT NULL DEFAULT 0 CHECK (charge_late_pence >= 0);

-- Which courses are required of whom, and how often they must be renewed.
CREATE TABLE required_training (
    id                INTEGER PRIMARY KEY,
    course_id         INTEGER NOT NULL REFERENCES courses (id),
    org_type          TEXT CHECK (org_type IS NULL OR org_type IN ('police', 'health', 'education', 'social_care',
                                                                   'voluntary', 'training_partner', 'other')),
    job_title_keyword TEXT NOT NULL DEFAULT '', -- '' for every role; else matched case-insensitively
    renew_months      INTEGER CHECK (renew_months IS NULL OR renew_months > 0),
    created_at        TEXT NOT NULL
);
CREATE INDEX required_training_course ON required_training (course_id);

-- A request for a manager's approval before a place is confirmed. When the course holds a
-- place meanwhile, booking_id is that (confirmed) booking until hold_until.
CREATE TABLE approval_requests (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES course_sessions (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    booking_id  INTEGER REFERENCES bookings (id),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn', 'expired')),
    hold_until  TEXT,
    token_hash  TEXT NOT NULL UNIQUE, -- for the approve/decline link in the manager's email
    decided_by  INTEGER REFERENCES users (id),
    decided_at  TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX approval_requests_live ON approval_requests (session_id, user_id) WHERE status = 'pending';
CREATE INDEX approval_requests_user ON approval_requests (user_id, status);

-- Weekly digests already sent, one per manager per ISO week.
CREATE TABLE digests_sent (
    manager_id INTEGER NOT NULL REFERENCES users (id),
    week       TEXT NOT NULL, -- e.g. 2026-W48
    at         TEXT NOT NULL,
    PRIMARY KEY (manager_id, week)
) WITHOUT ROWID;

-- Reports read bookings by session and attendance.
CREATE INDEX bookings_session_attendance ON bookings (session_id, attendance);

-- +goose Down
DROP INDEX bookings_session_attendance;
DROP TABLE digests_sent;
DROP TABLE approval_requests;
DROP TABLE required_training;
ALTER TABLE courses DROP COLUMN charge_late_pence;
ALTER TABLE courses DROP COLUMN charge_dna_pence;
ALTER TABLE courses DROP COLUMN approval_hold_days;
ALTER TABLE courses DROP COLUMN manager_approval;
ALTER TABLE courses DROP COLUMN approval_note;
ALTER TABLE courses DROP COLUMN approval;
ALTER TABLE users DROP COLUMN team;
