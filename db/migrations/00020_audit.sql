-- +goose Up
-- The audit trail: who did what, when, from where. Append-only: triggers refuse every
-- UPDATE and DELETE, so not even the service can rewrite it. The actor is a user id, not
-- a copy of their name: pages join to users, so an erased person shows as erased here
-- too, and the trail holds no more personal data than it must.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     INTEGER REFERENCES users (id),   -- NULL: nobody signed in, or the service itself
    remote_addr  TEXT NOT NULL DEFAULT '',
    request_id   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL CHECK (length(action) > 0),   -- e.g. signin.failed, change, read
    route        TEXT NOT NULL DEFAULT '',                   -- e.g. POST /admin/courses/:id
    subject_type TEXT NOT NULL DEFAULT '',                   -- e.g. course, session, person
    subject_id   INTEGER,
    summary      TEXT NOT NULL DEFAULT '',
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_action ON audit_events (action, at);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, at);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
