-- +goose Up
-- The board's reports read every booking of the sessions in a period: by session, then
-- status, walk-in, attendance mark and person. With all five in one index the report
-- never touches the bookings table itself (a year of 100,000 bookings: see
-- docs/performance.md, "Reports"). It replaces 00004's (session_id, attendance) index,
-- which it covers, so bookings carry no more indexes than before.
CREATE INDEX bookings_report ON bookings (session_id, status, walk_in, attendance, user_id);
DROP INDEX bookings_session_attendance;

-- +goose Down
CREATE INDEX bookings_session_attendance ON bookings (session_id, attendance);
DROP INDEX bookings_report;
