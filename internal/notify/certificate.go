package notify

import (
	"fmt"

	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// certificateView words a certificate_issued message and draws its PDF, from the
// certificate as it was frozen at issue. The PDF goes as an attachment, in its own email:
// never alongside a calendar invite.
func (r *Renderer) certificateView(e outbox.Envelope) (view, []mail.Attachment, error) {
	s := e.Payload.Certificate
	if s == nil {
		return view{}, nil, fmt.Errorf("notify: %s message has no certificate snapshot", e.Kind)
	}
	code := certificate.NormaliseCode(s.Code)
	if code == "" {
		return view{}, nil, fmt.Errorf("notify: %s message has no valid certificate code", e.Kind)
	}
	verify := r.cfg.BaseURL + "/verify/" + code
	pdf, err := certificate.PDF(certificate.Certificate{
		Code: code, PersonName: s.PersonName, Organisation: s.Organisation, CourseTitle: s.CourseTitle,
		CompletedOn: s.CompletedOn, DurationMinutes: s.DurationMinutes, Trainer: s.Trainer,
		Partnership: r.cfg.Partnership, ExpiresOn: s.ExpiresOn, VerifyURL: verify, IssuedAt: s.IssuedAt,
	})
	if err != nil {
		return view{}, nil, fmt.Errorf("notify: %s: %w", e.Kind, err)
	}
	v := view{
		SiteName:  r.cfg.SiteName,
		Name:      firstNonEmpty(line(s.PersonName), line(e.To.Name)),
		Course:    line(s.CourseTitle),
		Date:      londonDate(s.CompletedOn),
		Code:      code,
		VerifyURL: verify,
		RecordURL: r.cfg.BaseURL + "/my/record",
	}
	if v.Course == "" {
		v.Course = "your training"
	}
	if !s.ExpiresOn.IsZero() {
		v.ExpiresOn = londonDate(s.ExpiresOn)
	}
	return v, []mail.Attachment{{Filename: "certificate-" + code + ".pdf", ContentType: "application/pdf", Data: pdf}}, nil
}
