package outbox

import "strings"

// The worker sends account-security mail first and bulk mail last, so that a password
// reset queued behind hundreds of reminders still arrives while its link works.
const (
	PriorityUrgent = 0 // account security: a reset or set-password link
	PriorityNormal = 1 // booking and session changes, approvals, certificates
	PriorityBulk   = 2 // reminders, digests, nudges: late by a minute harms nobody
)

// urgentKinds carry a link someone is waiting for, with a short life: resets and
// set-password links, and the link that confirms a new account's address
// (account.KindEmailConfirmation, named here as text since outbox cannot import account).
var urgentKinds = []Kind{PasswordReset, "email_confirmation"}

// bulkKinds go out in batches from the schedulers.
var bulkKinds = []Kind{Reminder, "manager_digest", "training_due", "staff_nominated"}

// Priority says how soon a kind of message is sent relative to others due at once.
func Priority(k Kind) int {
	for _, u := range urgentKinds {
		if k == u {
			return PriorityUrgent
		}
	}
	for _, b := range bulkKinds {
		if k == b {
			return PriorityBulk
		}
	}
	return PriorityNormal
}

// prioritySQL is Priority as an SQL expression over outbox.kind, for ORDER BY.
var prioritySQL = "CASE WHEN kind IN (" + quoted(urgentKinds) + ") THEN 0 WHEN kind IN (" +
	quoted(bulkKinds) + ") THEN 2 ELSE 1 END"

func quoted(kinds []Kind) string {
	q := make([]string, len(kinds))
	for i, k := range kinds {
		q[i] = "'" + strings.ReplaceAll(string(k), "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}
