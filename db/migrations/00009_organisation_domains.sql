-- +goose Up
-- The email domains an organisation's staff use. An address confirmed on one of them joins
-- that organisation; a domain shared by several organisations (nhs.net) is listed on each,
-- and people on it choose which is theirs.
CREATE TABLE organisation_domains (
    domain          TEXT    NOT NULL CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (domain, organisation_id)
) WITHOUT ROWID;
CREATE INDEX organisation_domains_org ON organisation_domains (organisation_id);

-- +goose Down
DROP TABLE organisation_domains;
