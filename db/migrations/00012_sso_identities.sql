-- +goose Up
-- Accounts that have signed in through the partnership's OpenID Connect provider. The row
-- keeps the provider's subject and the email address it vouched for (email_verified), so
-- an account made by single sign-on (created_account = 1) counts as having a confirmed
-- address.
CREATE TABLE sso_identities (
    issuer          TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email           TEXT    NOT NULL CHECK (email = lower(email)),
    created_account INTEGER NOT NULL DEFAULT 0 CHECK (created_account IN (0, 1)),
    created_at      TEXT    NOT NULL,
    last_sign_in_at TEXT    NOT NULL,
    PRIMARY KEY (issuer, subject)
) WITHOUT ROWID;
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- +goose Down
DROP TABLE sso_identities;
