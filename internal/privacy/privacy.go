// Package privacy carries out the partnership's UK GDPR duties: a person's subject access
// download, erasure on request, the retention jobs that anonymise long-inactive accounts
// and delete old email content, and the privacy notice.
package privacy

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Retention is how long personal data is kept; zero switches a rule off.
type Retention struct {
	// Inactive anonymises accounts with no sign-in, booking, attendance or certificate
	// for this long (and no future booking).
	Inactive Period
	// Email deletes the content of outbox messages older than this.
	Email Period
}

// DefaultRetention is six years for inactive accounts and 90 days for email content.
var DefaultRetention = Retention{Inactive: Period{Years: 6}, Email: Period{Days: 90}}

// Service reads and erases personal data. Reads use the reader pool; every change is one
// write transaction.
type Service struct {
	DB         *store.DB
	Attendance *attendance.Service // certificates, drawn by the existing renderer
	Now        clock.Clock
	Retention  Retention
	// Partnership is printed on the certificates in the download.
	Partnership string
}

// New wires a Service.
func New(db *store.DB, att *attendance.Service, now clock.Clock, r Retention, partnership string) *Service {
	return &Service{DB: db, Attendance: att, Now: now, Retention: r, Partnership: partnership}
}

// ErasedName replaces an erased person's name everywhere it was kept.
const ErasedName = "Erased person"

// erasedDomain is reserved (RFC 2606): nothing sent there is ever delivered, and
// account.ValidEmail refuses it, so nobody else can hold such an address.
const erasedDomain = "@erased.invalid"

// ErasedEmail is the unique, undeliverable address an erased account is given.
func ErasedEmail(id int64) string { return "erased-" + itoa(id) + erasedDomain }

// IsErased reports whether an account's address is an erasure placeholder.
func IsErased(email string) bool { return strings.HasSuffix(email, erasedDomain) }

// RecordSignIn notes when a person signed in, for their download and for the retention
// job. It is bookkeeping no page caches, so it does not move the write generation.
func RecordSignIn(ctx context.Context, db *store.DB, userID int64, at time.Time) error {
	return db.WriteUnseen(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET last_sign_in_at = ? WHERE id = ?`, store.FormatTime(at), userID)
		return err
	})
}
