package report

import "strconv"

// The CSV exports are rows of plain strings: numbers without separators, rates in
// percent with one decimal and blank when there is none, money in pounds with two
// decimals. The caller writes them out and neutralises every cell (a cell starting with
// = + - @, a tab or a carriage return must not run as a formula).

var countHeader = []string{"Places booked", "Attended", "Partly attended", "Did not attend", "Not recorded",
	"Late cancellations", "Walk-ins", "DNA rate (%)", "People trained"}

func countCells(c Counts) []string {
	return []string{itoa(c.PlacesBooked), itoa(c.Attended), itoa(c.Partial), itoa(c.DNA), itoa(c.NotRecorded),
		itoa(c.LateCancelled), itoa(c.WalkIns), c.DNARate().Plain(), itoa(c.PeopleTrained)}
}

func itoa(n int) string { return strconv.Itoa(n) }

// OrganisationRows is attendance by organisation, one row each, with its type so a
// spreadsheet can pivot on it.
func OrganisationRows(a *Attendance) [][]string {
	rows := [][]string{append([]string{"Organisation", "Organisation type"}, countHeader...)}
	for _, o := range a.ByOrg {
		rows = append(rows, append([]string{o.Name, o.Type.Label()}, countCells(o.Counts)...))
	}
	return rows
}

// TypeRows is attendance by organisation type, one row each, then the total.
func TypeRows(a *Attendance) [][]string {
	rows := [][]string{append([]string{"Organisation type", "Organisations"}, countHeader...)}
	orgs := 0
	for _, t := range a.ByType {
		orgs += t.Organisations
		rows = append(rows, append([]string{t.Label(), itoa(t.Organisations)}, countCells(t.Counts)...))
	}
	return append(rows, append([]string{"All organisations", itoa(orgs)}, countCells(a.Totals)...))
}

// CourseRows is each course's sessions, fill rate, attendance, people trained and
// evaluation scores.
func CourseRows(a *Attendance) [][]string {
	rows := [][]string{{"Course", "Sessions", "Capacity", "Places held at start", "Fill rate (%)",
		"Places booked", "Attended", "Partly attended", "Did not attend", "Not recorded", "Late cancellations",
		"Walk-ins", "DNA rate (%)", "People trained", "Evaluation responses", "Average rating (1-5)",
		"Average usefulness (1-5)"}}
	for _, c := range a.Courses {
		rows = append(rows, []string{c.Title, itoa(c.Sessions), itoa(c.Capacity), itoa(c.HeldAtStart()),
			c.Fill().Plain(), itoa(c.PlacesBooked), itoa(c.Attended), itoa(c.Partial), itoa(c.DNA),
			itoa(c.NotRecorded), itoa(c.LateCancelled), itoa(c.WalkIns), c.DNARate().Plain(),
			itoa(c.PeopleTrained), itoa(c.Responses), blankDash(c.Rating()), blankDash(c.Usefulness())})
	}
	return rows
}

// SessionRows is each session that took place, with its fill rate and attendance.
func SessionRows(a *Attendance) [][]string {
	rows := [][]string{{"Session", "Course", "Date", "Start time", "Capacity", "Places held at start",
		"Fill rate (%)", "Places booked", "Attended", "Partly attended", "Did not attend", "Not recorded",
		"Late cancellations", "Walk-ins", "DNA rate (%)"}}
	for _, s := range a.Sessions {
		l := s.StartsLondon()
		rows = append(rows, []string{strconv.FormatInt(s.ID, 10), s.CourseTitle, l.Format("2006-01-02"),
			l.Format("15:04"), itoa(s.Capacity), itoa(s.HeldAtStart()), s.Fill().Plain(), itoa(s.PlacesBooked),
			itoa(s.Attended), itoa(s.Partial), itoa(s.DNA), itoa(s.NotRecorded), itoa(s.LateCancelled),
			itoa(s.WalkIns), s.DNARate().Plain()})
	}
	return rows
}

// ChargeRows itemises charges for invoicing: one line per did-not-attend or late
// cancellation that carries a charge.
func ChargeRows(items []ChargeItem) [][]string {
	rows := [][]string{{"Organisation", "Organisation type", "Person", "Email", "Course", "Session date",
		"Reason", "Amount (£)"}}
	for _, i := range items {
		rows = append(rows, []string{i.OrgName, i.OrgType.Label(), i.PersonName, i.Email, i.CourseTitle,
			i.StartsLondon().Format("2006-01-02"), i.Reason.Label(), PoundsPlain(i.Pence)})
	}
	return rows
}

func blankDash(s string) string {
	if s == "—" {
		return ""
	}
	return s
}

var impactHeader = []string{"Follow-ups sent", "Responses", "Response rate (%)", "Average confidence before (1-5)",
	"Average confidence now (1-5)", "Change in confidence"}

func impactCells(f ImpactFigures) []string {
	return []string{itoa(f.Sent), itoa(f.Responses), f.ResponseRate().Plain(), f.BeforeText(), f.AfterText(), f.ChangePlain()}
}

// ImpactCourseRows is the impact follow-up figures per course, then the total.
func ImpactCourseRows(r *Impact) [][]string {
	rows := [][]string{append([]string{"Course"}, impactHeader...)}
	for _, c := range r.Courses {
		rows = append(rows, append([]string{c.Title}, impactCells(c.ImpactFigures)...))
	}
	return append(rows, append([]string{"All courses"}, impactCells(r.Totals)...))
}

// ImpactOrgRows is the impact follow-up figures per organisation (agency), then the
// total.
func ImpactOrgRows(r *Impact) [][]string {
	rows := [][]string{append([]string{"Organisation", "Organisation type"}, impactHeader...)}
	for _, o := range r.Orgs {
		rows = append(rows, append([]string{o.Name, o.Type.Label()}, impactCells(o.ImpactFigures)...))
	}
	return append(rows, append([]string{"All organisations", ""}, impactCells(r.Totals)...))
}

// ImpactExampleRows is the anonymised answers: the course and the words only.
func ImpactExampleRows(r *Impact) [][]string {
	rows := [][]string{{"Course", "Change made to practice", "Example"}}
	for _, e := range r.Examples {
		rows = append(rows, []string{e.Course, e.Change, e.Example})
	}
	return rows
}
