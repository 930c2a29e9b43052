package attendance

import (
	"context"

	"github.com/traininghub/traininghub/internal/account"
)

// MayDownloadCertificate is who may have a certificate's PDF, on the website and through
// the API alike: its owner, an admin, or a trainer of the session it was issued for (who
// keeps it for their records). For anyone else the certificate should not be confirmed to
// exist: callers answer "not found".
func (s *Service) MayDownloadCertificate(ctx context.Context, u *account.User, k Certificate) (bool, error) {
	switch {
	case u == nil:
		return false, nil
	case u.ID == k.UserID || u.IsAdmin():
		return true, nil
	case !u.Has(account.Trainer):
		return false, nil
	}
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM session_trainers WHERE session_id = ? AND user_id = ?`,
		k.SessionID, u.ID).Scan(&n)
	return n > 0, err
}
