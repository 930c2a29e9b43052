-- +goose Up
-- Sign-in limits, kept in the database so that they survive a restart and hold across
-- several server processes. One leaky bucket per key:
--   'account:<email>'  failures from browsers without a device cookie for that account
--   'address:<ip>'     the same failures, by client address (IPv6 grouped by /64)
--   'device:<nonce>'   failures from a browser holding a valid device cookie (they count
--                      against that browser only)
-- level is the number of failures less what has leaked away by updated_at; an attempt is
-- counted before its password is checked (so parallel attempts see each other) and taken
-- back when the password is right. Rows untouched for a day have leaked empty and are pruned.
CREATE TABLE signin_limits (
    key          TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
    level        REAL NOT NULL CHECK (level >= 0),
    updated_at   TEXT NOT NULL,
    last_failure TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX signin_limits_updated ON signin_limits (updated_at);

-- +goose Down
DROP TABLE signin_limits;
