-- +goose Up
-- When one person has two accounts, an admin merges the duplicate into the one to keep:
-- its bookings and everything hanging off them move, the duplicate is disabled (never
-- deleted, so who-did-what records keep pointing at it), and the merge is recorded here.
CREATE TABLE account_merges (
    id             INTEGER PRIMARY KEY,
    kept_user_id   INTEGER NOT NULL REFERENCES users (id),
    merged_user_id INTEGER NOT NULL REFERENCES users (id),
    -- The duplicate as it was, for the kept person's page.
    merged_name    TEXT NOT NULL,
    merged_email   TEXT NOT NULL,
    actor_id       INTEGER REFERENCES users (id),
    -- What moved, as JSON: counts, and how each clash on one session was settled.
    summary        TEXT NOT NULL,
    at             TEXT NOT NULL,
    CHECK (kept_user_id <> merged_user_id)
);
CREATE INDEX account_merges_kept ON account_merges (kept_user_id, id);
-- An account is merged away once.
CREATE UNIQUE INDEX account_merges_merged ON account_merges (merged_user_id);

-- +goose Down
DROP TABLE account_merges;
