-- +goose Up
-- A place held for a manager's approval was known only from its history's reason text.
-- State is never read from audit text: it is a column now, 1 from the moment the place is
-- held until a manager approves it (a hold released or declined stays 1, as before:
-- that booking was only ever a hold).
ALTER TABLE bookings ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
UPDATE bookings SET held = 1
WHERE EXISTS (SELECT 1 FROM booking_history h WHERE h.booking_id = bookings.id AND h.reason = 'held for manager approval')
  AND NOT EXISTS (SELECT 1 FROM booking_history h WHERE h.booking_id = bookings.id AND h.reason = 'approved by manager');

-- +goose Down
ALTER TABLE bookings DROP COLUMN held;
