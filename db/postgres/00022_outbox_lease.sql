-- +goose Up
-- Several servers may send mail from one database: a sender leases a message before
-- sending it, so no other takes it meanwhile, and a lease left by a server that died runs
-- out, so another sends the message instead. NULL: nobody is sending it.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN claimed_until;
