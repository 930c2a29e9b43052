-- +goose Up
-- Times are TEXT in UTC, formatted 2006-01-02T15:04:05Z, so they sort as strings.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    type       TEXT NOT NULL CHECK (type IN ('police', 'health', 'education', 'social_care',
                                             'voluntary', 'training_partner', 'other')),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (name COLLATE NOCASE);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL CHECK (email = lower(email) AND instr(email, '@') > 1),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    job_title       TEXT NOT NULL DEFAULT '',
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    password_hash   TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('practitioner', 'trainer', 'partner', 'manager', 'admin')),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);

CREATE TABLE web_sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expiry);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE courses (
    id                       INTEGER PRIMARY KEY,
    title                    TEXT NOT NULL CHECK (length(trim(title)) > 0),
    summary                  TEXT NOT NULL DEFAULT '',
    description              TEXT NOT NULL DEFAULT '',
    audience                 TEXT NOT NULL DEFAULT '',
    duration_minutes         INTEGER NOT NULL CHECK (duration_minutes > 0),
    provider_organisation_id INTEGER REFERENCES organisations (id),
    validity_months          INTEGER CHECK (validity_months IS NULL OR validity_months > 0),
    status                   TEXT NOT NULL DEFAULT 'draft'
                             CHECK (status IN ('draft', 'published', 'archived')),
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);

CREATE TABLE course_topics (
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    topic     TEXT NOT NULL CHECK (length(trim(topic)) > 0),
    PRIMARY KEY (course_id, topic)
) WITHOUT ROWID;
CREATE INDEX course_topics_topic ON course_topics (topic);

-- Training sessions: a dated delivery of a course. (web_sessions are sign-in sessions.)
CREATE TABLE course_sessions (
    id                 INTEGER PRIMARY KEY,
    course_id          INTEGER NOT NULL REFERENCES courses (id),
    starts_at          TEXT NOT NULL,
    ends_at            TEXT NOT NULL,
    online             INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    venue              TEXT NOT NULL DEFAULT '',
    online_url         TEXT NOT NULL DEFAULT '',
    capacity           INTEGER NOT NULL CHECK (capacity >= 1),
    booking_closes_at  TEXT NOT NULL,
    cancel_cutoff_at   TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    cancel_reason      TEXT NOT NULL DEFAULT '',
    confirmed_count    INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (booking_closes_at <= starts_at),
    CHECK (cancel_cutoff_at <= starts_at),
    -- The backstop against overbooking: kept by the triggers below.
    CHECK (confirmed_count >= 0 AND confirmed_count <= capacity)
);
CREATE INDEX course_sessions_course_start ON course_sessions (course_id, starts_at);
CREATE INDEX course_sessions_start ON course_sessions (starts_at);

CREATE TABLE session_trainers (
    session_id INTEGER NOT NULL REFERENCES course_sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
CREATE INDEX session_trainers_user ON session_trainers (user_id);

CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES course_sessions (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    status        TEXT NOT NULL
                  CHECK (status IN ('confirmed', 'waitlisted', 'cancelled', 'late_cancelled')),
    -- Waiting-list order: the time the person joined it, then id.
    waitlisted_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- One live booking per person per session.
CREATE UNIQUE INDEX bookings_live ON bookings (session_id, user_id)
    WHERE status IN ('confirmed', 'waitlisted');
CREATE INDEX bookings_user ON bookings (user_id, status);
CREATE INDEX bookings_session_status ON bookings (session_id, status, waitlisted_at, id);

-- Append-only facts from which reports (did-not-attend, late cancellations, promotions)
-- are computed.
CREATE TABLE booking_history (
    id          INTEGER PRIMARY KEY,
    booking_id  INTEGER NOT NULL REFERENCES bookings (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX booking_history_booking ON booking_history (booking_id, id);

-- +goose StatementBegin
CREATE TRIGGER booking_history_no_update BEFORE UPDATE ON booking_history
BEGIN
    SELECT RAISE(ABORT, 'booking_history is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER booking_history_no_delete BEFORE DELETE ON booking_history
BEGIN
    SELECT RAISE(ABORT, 'booking_history is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER bookings_count_insert AFTER INSERT ON bookings
WHEN NEW.status = 'confirmed'
BEGIN
    UPDATE course_sessions SET confirmed_count = confirmed_count + 1 WHERE id = NEW.session_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER bookings_count_update AFTER UPDATE OF status ON bookings
WHEN (OLD.status = 'confirmed') <> (NEW.status = 'confirmed')
BEGIN
    UPDATE course_sessions
       SET confirmed_count = confirmed_count + (CASE WHEN NEW.status = 'confirmed' THEN 1 ELSE -1 END)
     WHERE id = NEW.session_id;
END;
-- +goose StatementEnd

-- A double submit (form token or API Idempotency-Key) maps back to the booking it made.
CREATE TABLE idempotency_keys (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    key        TEXT NOT NULL,
    booking_id INTEGER NOT NULL REFERENCES bookings (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE booking_history;
DROP TABLE bookings;
DROP TABLE session_trainers;
DROP TABLE course_sessions;
DROP TABLE course_topics;
DROP TABLE courses;
DROP TABLE settings;
DROP TABLE web_sessions;
DROP TABLE api_tokens;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
