-- +goose Up
-- Walk-ins: people who came without a booking. They are on the register but never count
-- against capacity, so the count triggers are recreated to skip them.
ALTER TABLE bookings ADD COLUMN walk_in INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1));
ALTER TABLE bookings ADD COLUMN attendance TEXT
    CHECK (attendance IS NULL OR attendance IN ('attended', 'partial', 'absent'));
ALTER TABLE bookings ADD COLUMN attendance_at TEXT;

DROP TRIGGER bookings_count_insert;
-- +goose StatementBegin
CREATE TRIGGER bookings_count_insert AFTER INSERT ON bookings
WHEN NEW.status = 'confirmed' AND NEW.walk_in = 0
BEGIN
    UPDATE course_sessions SET confirmed_count = confirmed_count + 1 WHERE id = NEW.session_id;
END;
-- +goose StatementEnd

DROP TRIGGER bookings_count_update;
-- +goose StatementBegin
CREATE TRIGGER bookings_count_update AFTER UPDATE OF status ON bookings
WHEN NEW.walk_in = 0 AND OLD.walk_in = 0 AND (OLD.status = 'confirmed') <> (NEW.status = 'confirmed')
BEGIN
    UPDATE course_sessions
       SET confirmed_count = confirmed_count + (CASE WHEN NEW.status = 'confirmed' THEN 1 ELSE -1 END)
     WHERE id = NEW.session_id;
END;
-- +goose StatementEnd

-- A register is open until the trainer submits it; an admin can reopen it.
CREATE TABLE registers (
    session_id   INTEGER PRIMARY KEY REFERENCES course_sessions (id),
    status       TEXT NOT NULL CHECK (status IN ('open', 'submitted')),
    submitted_at TEXT,
    submitted_by INTEGER REFERENCES users (id),
    updated_at   TEXT NOT NULL
);

CREATE TABLE register_history (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES course_sessions (id),
    action     TEXT NOT NULL CHECK (action IN ('submitted', 'reopened')),
    actor_id   INTEGER REFERENCES users (id),
    reason     TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX register_history_session ON register_history (session_id, id);

-- Courses may hold the certificate back until the post-course evaluation is in.
ALTER TABLE courses ADD COLUMN requires_evaluation INTEGER NOT NULL DEFAULT 0
    CHECK (requires_evaluation IN (0, 1));

CREATE TABLE evaluations (
    booking_id     INTEGER PRIMARY KEY REFERENCES bookings (id),
    rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    usefulness     INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    do_differently TEXT NOT NULL DEFAULT '',
    comments       TEXT NOT NULL DEFAULT '',
    submitted_at   TEXT NOT NULL
);

-- Certificates freeze what they say at issue; the public code is the only way in.
CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    booking_id       INTEGER NOT NULL REFERENCES bookings (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    course_id        INTEGER NOT NULL REFERENCES courses (id),
    session_id       INTEGER NOT NULL REFERENCES course_sessions (id),
    person_name      TEXT NOT NULL,
    organisation     TEXT NOT NULL,
    course_title     TEXT NOT NULL,
    completed_on     TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    trainer          TEXT NOT NULL DEFAULT '',
    expires_on       TEXT,
    issued_at        TEXT NOT NULL,
    revoked_at       TEXT,
    revoked_by       INTEGER REFERENCES users (id),
    revoke_reason    TEXT NOT NULL DEFAULT ''
);
-- At most one valid certificate per booking; a revoked one may be followed by a new one.
CREATE UNIQUE INDEX certificates_live ON certificates (booking_id) WHERE revoked_at IS NULL;
CREATE INDEX certificates_user ON certificates (user_id, completed_on);

-- +goose Down
DROP TABLE certificates;
DROP TABLE evaluations;
ALTER TABLE courses DROP COLUMN requires_evaluation;
DROP TABLE register_history;
DROP TABLE registers;
DROP TRIGGER bookings_count_update;
-- +goose StatementBegin
CREATE TRIGGER bookings_count_update AFTER UPDATE OF status ON bookings
WHEN (OLD.status = 'confirmed') <> (NEW.status = 'confirmed')
BEGIN
    UPDATE course_sessions
       SET confirmed_count = confirmed_count + (CASE WHEN NEW.status = 'confirmed' THEN 1 ELSE -1 END)
     WHERE id = NEW.session_id;
END;
-- +goose StatementEnd
DROP TRIGGER bookings_count_insert;
-- +goose StatementBegin
CREATE TRIGGER bookings_count_insert AFTER INSERT ON bookings
WHEN NEW.status = 'confirmed'
BEGIN
    UPDATE course_sessions SET confirmed_count = confirmed_count + 1 WHERE id = NEW.session_id;
END;
-- +goose StatementEnd
ALTER TABLE bookings DROP COLUMN attendance_at;
ALTER TABLE bookings DROP COLUMN attendance;
ALTER TABLE bookings DROP COLUMN walk_in;
