package privacy

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Placeholders an admin may write in the notice; each shows the setting the server runs
// with, so the notice never disagrees with what the retention jobs do.
const (
	PlaceholderInactive = "[inactive period]"
	PlaceholderEmail    = "[email period]"
)

// DefaultNotice is the notice until an admin writes their own: a starting point for a
// safeguarding children partnership, to be checked by its data protection officer.
const DefaultNotice = `This notice explains what the partnership's training service holds about you, why, who can see it, how long it is kept and what your rights are.

## Who is responsible for your information
The safeguarding children partnership that runs this training programme is the controller of the information in this service. Its data protection officer can be contacted through the partnership's business unit.

## What we hold
- your name, work email address, job title, team and organisation, and the roles you have in this service
- your bookings, waiting-list places and cancellations, with their history
- whether you attended each session, as recorded by the trainer
- the course evaluations you write
- your answers when we ask, some weeks after a course, whether it changed your practice
- your certificates of attendance
- the emails the service sends you
- when you last signed in, and the settings you choose (such as two-factor sign-in)

Passwords and security codes are stored only as one-way hashes that nobody can read back.

## Why we hold it, and the lawful basis
The partnership has a statutory duty to make sure that practitioners who work with children and families are trained in safeguarding (Children Act 2004 and Working Together to Safeguard Children). We use your information to run that training: to book you on sessions, tell you about them, record that you attended and give you certificates, and to report to the partnership on how many people from each agency were trained.

Our lawful basis is public task (UK GDPR Article 6(1)(e)). For staff of partner organisations that are not public bodies, such as voluntary groups and training providers, it is legitimate interests (Article 6(1)(f)): making sure everyone who works with children is trained to the partnership's standards.

## Who can see it
- you can see all of your own bookings, attendance and certificates
- your manager, if your organisation has given someone that role, can see your training so they can check you are up to date
- trainers see the registers of the sessions they run: the names, organisations and job titles of the people booked
- training partners see the bookings on the sessions they run
- the partnership's administrators can see everything, to run the programme
- anyone you show a certificate to can check it is genuine using its code; they see your name, the course and the date only

We do not sell your information or use it for marketing.

## How long we keep it
Accounts with no sign-in, booking, attendance or certificate for [inactive period] are anonymised automatically: your name, email address and job title are removed, while the anonymous record of attendance stays so the partnership's figures remain correct. Six years follows the Limitation Act 1980 and common practice for training records; the partnership decides the period.

The text of emails the service sends is deleted after [email period]. We keep only that a message of that kind was sent, when, and whether it was delivered.

## Your rights
You have the right to:
- get a copy of everything held about you: sign in and choose "Download your data" on your account, or go to /my/data
- have wrong information corrected: change it on your account or ask the training team
- have your information erased: ask the partnership's training team; an administrator will erase your record and tell you when it is done
- object to how we use your information, or ask us to restrict it

We answer requests within one month.

## Contact and complaints
Contact the partnership's training team or its data protection officer with any question or request about your information.

If you are unhappy with how we have handled your information, you can complain to the Information Commissioner's Office (ICO): ico.org.uk, telephone 0303 123 1113.`

// Notice is the privacy notice as last saved.
type Notice struct {
	Body     string
	EditedBy string // the admin's name; "" for the default
	EditedAt time.Time
	Default  bool // no admin has written one yet
}

// Version is one saved version, for the history on the edit page.
type Version struct {
	EditedBy string
	EditedAt time.Time
	Chars    int
}

// Notice returns the current privacy notice.
func (s *Service) Notice(ctx context.Context) (Notice, error) {
	var n Notice
	var at store.Time
	err := s.DB.R.QueryRowContext(ctx, `SELECT p.body, COALESCE(u.name, ''), p.edited_at FROM privacy_notices p
		LEFT JOIN users u ON u.id = p.edited_by ORDER BY p.id DESC LIMIT 1`).Scan(&n.Body, &n.EditedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Notice{Body: DefaultNotice, Default: true}, nil
	}
	n.EditedAt = at.T
	return n, store.Classify(err)
}

// FieldNotice is the notice's form field.
const FieldNotice = "body"

// SaveNotice stores a new version of the notice; earlier versions are kept.
func (s *Service) SaveNotice(ctx context.Context, body string, actorID int64) error {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	v := problem.Validation{}
	switch {
	case body == "":
		v.Add(FieldNotice, "Enter the privacy notice")
	case !utf8.ValidString(body):
		v.Add(FieldNotice, "The notice contains characters that are not valid text")
	case utf8.RuneCountInString(body) > 50000:
		v.Add(FieldNotice, "The notice must be 50,000 characters or fewer")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO privacy_notices (body, edited_by, edited_at) VALUES (?, ?, ?)`,
			body, nullID(actorID), store.FormatTime(s.Now()))
		return err
	})
}

// NoticeVersions lists saved versions, newest first.
func (s *Service) NoticeVersions(ctx context.Context) ([]Version, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT COALESCE(u.name, ''), p.edited_at, length(p.body) FROM privacy_notices p
		LEFT JOIN users u ON u.id = p.edited_by ORDER BY p.id DESC LIMIT 50`)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var at store.Time
		if err := rows.Scan(&v.EditedBy, &at, &v.Chars); err != nil {
			return nil, store.Classify(err)
		}
		v.EditedAt = at.T
		out = append(out, v)
	}
	return out, store.Classify(rows.Err())
}

// Block is one piece of the rendered notice: a heading, a paragraph or a list.
type Block struct {
	Heading   string
	Paragraph string
	Items     []string
}

// Blocks splits the notice into headings ("## "), lists ("- ") and paragraphs, with the
// retention placeholders filled in. It returns plain text only: the template escapes
// every piece, so nothing an admin types can become markup.
func (s *Service) Blocks(body string) []Block {
	body = strings.NewReplacer(PlaceholderInactive, describe(s.Retention.Inactive),
		PlaceholderEmail, describe(s.Retention.Email)).Replace(body)
	var out []Block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Paragraph: strings.Join(para, " ")})
			para = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "## "):
			flush()
			out = append(out, Block{Heading: strings.TrimSpace(line[3:])})
		case strings.HasPrefix(line, "- "):
			flush()
			item := strings.TrimSpace(line[2:])
			if n := len(out); n > 0 && out[n-1].Items != nil {
				out[n-1].Items = append(out[n-1].Items, item)
			} else {
				out = append(out, Block{Items: []string{item}})
			}
		default:
			para = append(para, line)
		}
	}
	flush()
	return out
}

// describe names a period for the notice; a rule switched off keeps data "until it is
// no longer needed", decided by the partnership.
func describe(p Period) string {
	if p.Off() {
		return "a period the partnership decides (automatic deletion is switched off)"
	}
	return p.String()
}
