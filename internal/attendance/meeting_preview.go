package attendance

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/meetingreport"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// MaxReportBytes is the largest attendance report read: a day's Teams meeting of 300
// people, in UTF-16 with every join listed, is well under a megabyte.
const MaxReportBytes = 4 << 20

// ErrNotOnline refuses a meeting report for a session in a room.
var ErrNotOnline = problem.Unprocessable("not_online",
	"Meeting attendance reports are for online sessions. Mark this register by hand, or use check-in.")

// ReportPreview is what a meeting's attendance report proposes for a register. Nothing
// is saved until the trainer confirms the marks.
type ReportPreview struct {
	Source         meetingreport.Source
	Title          string
	Rule           OnlineRule
	SessionMinutes int
	Matched        []Matched
	Unmatched      []Unmatched
}

// InReport counts the register's people who were found in the report.
func (p ReportPreview) InReport() int {
	n := 0
	for _, m := range p.Matched {
		if m.By != "" {
			n++
		}
	}
	return n
}

// PreviewReport reads a Teams or Zoom attendance report against a session's register and
// proposes a mark for everyone on it, by the course's online rule. It refuses what could
// not then be saved: a session in a room, not started, cancelled, or with its register
// submitted.
func (s *Service) PreviewReport(ctx context.Context, sessionID int64, data []byte) (ReportPreview, error) {
	var courseID int64
	var online bool
	var starts, ends store.Time
	var f sessionFacts
	err := s.DB.R.QueryRowContext(ctx, `SELECT s.course_id, s.online, s.starts_at, s.ends_at, s.status, COALESCE(r.status, 'open')
		FROM course_sessions s LEFT JOIN registers r ON r.session_id = s.id WHERE s.id = ?`, sessionID).
		Scan(&courseID, &online, &starts, &ends, &f.status, &f.register)
	if err != nil {
		return ReportPreview{}, store.Classify(err)
	}
	f.startsAt = starts.T
	if err := f.writable(s.Now()); err != nil {
		return ReportPreview{}, err
	}
	if !online {
		return ReportPreview{}, ErrNotOnline
	}
	report, err := meetingreport.Parse(data, clock.London, starts.T)
	if err != nil {
		return ReportPreview{}, reportProblem(err)
	}
	rule, err := s.OnlineRule(ctx, courseID)
	if err != nil {
		return ReportPreview{}, err
	}
	reg, err := s.Load(ctx, sessionID)
	if err != nil {
		return ReportPreview{}, err
	}
	matched, unmatched := MatchReport(reg.Entries, report.Attendees, starts.T, ends.T, rule)
	if err := s.nameTrainers(ctx, sessionID, unmatched); err != nil {
		return ReportPreview{}, err
	}
	return ReportPreview{Source: report.Source, Title: report.Title, Rule: rule,
		SessionMinutes: int(ends.T.Sub(starts.T) / time.Minute), Matched: matched, Unmatched: unmatched}, nil
}

// reportProblem words a file that could not be read as an error on the upload field.
func reportProblem(err error) error {
	msg := "The file could not be read as an attendance report. Download it again from Teams or Zoom and upload it unchanged"
	switch {
	case errors.Is(err, meetingreport.ErrEmpty):
		msg = "The file is empty. Download the attendance report again from Teams or Zoom"
	case errors.Is(err, meetingreport.ErrUnrecognised):
		msg = "This is not a Microsoft Teams or Zoom attendance report. Upload the .csv file the meeting's attendance report downloads"
	case errors.Is(err, meetingreport.ErrNoPeople):
		msg = "The report lists nobody who attended. Check it is the report for this session"
	}
	return ReportFieldError(msg)
}

// ReportFieldError is a problem with the uploaded file, shown against its field.
func ReportFieldError(msg string) error {
	return &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: msg + ".", Fields: map[string]string{"report": msg}}
}

// nameTrainers says which of the unmatched people are the session's own trainers (by
// email or name), so the trainer is not left wondering why they have no place.
func (s *Service) nameTrainers(ctx context.Context, sessionID int64, unmatched []Unmatched) error {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT u.email, u.name FROM session_trainers t JOIN users u ON u.id = t.user_id
		WHERE t.session_id = ?`, sessionID)
	if err != nil {
		return store.Classify(err)
	}
	defer rows.Close()
	trainer := map[string]bool{}
	for rows.Next() {
		var email, name string
		if err := rows.Scan(&email, &name); err != nil {
			return err
		}
		trainer["email:"+strings.ToLower(email)] = true
		trainer["name:"+foldName(name)] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, u := range unmatched {
		if u.Reason == NotBooked && (u.Email != "" && trainer["email:"+strings.ToLower(u.Email)] || trainer["name:"+foldName(u.Name)]) {
			unmatched[i].Reason = IsTrainer
		}
	}
	return nil
}
