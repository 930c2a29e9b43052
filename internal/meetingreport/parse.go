package meetingreport

import (
	"strings"
	"time"
)

// column is what a report's column holds.
type column int

const (
	colNone column = iota
	colName
	colEmail
	colUPN // Teams' sign-in name, an email address for members of the organisation
	colJoin
	colLeave
	colFirstJoin
	colLastLeave
	colDuration
	colRole
	colAction
	colStamp
)

// headings maps the column headings both services have used (lower case) to what they hold.
var headings = func() map[string]column {
	byColumn := map[column][]string{
		colName:      {"name", "full name", "name (original name)", "participant", "display name"},
		colEmail:     {"email", "user email", "e-mail", "email address"},
		colUPN:       {"participant id (upn)", "upn"},
		colJoin:      {"join time", "join"},
		colLeave:     {"leave time", "leave"},
		colFirstJoin: {"first join", "first join time"},
		colLastLeave: {"last leave", "last leave time"},
		colDuration:  {"duration", "in-meeting duration", "duration (minutes)", "duration (mins)", "attendance duration", "time in meeting"},
		colRole:      {"role"},
		colAction:    {"user action", "action"},
		colStamp:     {"timestamp"},
	}
	out := map[string]column{}
	for c, names := range byColumn {
		for _, n := range names {
			out[n] = c
		}
	}
	return out
}()

// table is one run of rows under a heading row.
type table struct {
	cols map[column]int
	rows [][]string
}

func (t table) has(c column) bool { _, ok := t.cols[c]; return ok }

func (t table) cell(row []string, c column) string {
	i, ok := t.cols[c]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// kind ranks a table: rows of single joins are best, a log of joins and leaves next, one
// row per person (first join, last leave, total) last.
func (t table) kind() int {
	switch {
	case t.has(colJoin):
		return 3
	case t.has(colAction) && t.has(colStamp):
		return 2
	default:
		return 1
	}
}

// headingRow reads a row as a heading row: it must name the person and say something of
// their time.
func headingRow(row []string) (map[column]int, bool) {
	cols := map[column]int{}
	for i, cell := range row {
		if c := headings[strings.ToLower(strings.TrimSpace(cell))]; c != colNone {
			if _, dup := cols[c]; !dup {
				cols[c] = i
			}
		}
	}
	_, name := cols[colName]
	_, join := cols[colJoin]
	_, first := cols[colFirstJoin]
	_, dur := cols[colDuration]
	_, action := cols[colAction]
	return cols, name && (join || first || dur || action)
}

// tables finds every table in the rows, and the value of any "title" or "topic" cell.
func tables(rows [][]string) ([]table, string) {
	var out []table
	var title string
	var cur *table
	for i, row := range rows {
		if cols, ok := headingRow(row); ok {
			out = append(out, table{cols: cols})
			cur = &out[len(out)-1]
			continue
		}
		if cur != nil && filled(row) >= 2 && len(row) >= 3 {
			cur.rows = append(cur.rows, row)
			continue
		}
		cur = nil
		title = titleFrom(rows, i, title)
	}
	return out, title
}

// titleFrom reads the meeting's title: Teams writes "Meeting title<TAB>…" in its summary;
// Zoom a heading row with "Topic" over a row of values.
func titleFrom(rows [][]string, i int, title string) string {
	row := rows[i]
	if title != "" || len(row) == 0 {
		return title
	}
	switch strings.ToLower(row[0]) {
	case "meeting title", "title", "meeting name":
		if len(row) > 1 {
			return row[1]
		}
	}
	for j, cell := range row {
		if strings.EqualFold(cell, "topic") && i+1 < len(rows) && j < len(rows[i+1]) {
			return rows[i+1][j]
		}
	}
	return title
}

func filled(row []string) int {
	n := 0
	for _, c := range row {
		if c != "" {
			n++
		}
	}
	return n
}

// Parse reads a Teams or Zoom attendance report. Times in it are read in loc (the
// organiser's time zone), and where a date could be read day first or month first, the
// reading nearest near (the session's start) is taken.
func Parse(data []byte, loc *time.Location, near time.Time) (Report, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return Report{}, ErrEmpty
	}
	s, ok := text(data)
	if !ok {
		return Report{}, ErrUnrecognised
	}
	rows, err := records(s)
	if err != nil {
		return Report{}, ErrUnrecognised
	}
	found, title := tables(rows)
	if len(found) == 0 {
		return Report{}, ErrUnrecognised
	}
	best := found[0]
	for _, t := range found[1:] {
		if t.kind() > best.kind() {
			best = t
		}
	}
	r := Report{Source: source(s, found), Title: title}
	if best.kind() == 2 {
		r.Attendees = gather(fromLog(best, loc, near))
	} else {
		r.Attendees = gather(fromRows(best, loc, near))
	}
	if len(r.Attendees) == 0 {
		return r, ErrNoPeople
	}
	return r, nil
}

// source tells the services apart: Zoom writes commas and "(Original Name)" or minutes;
// Teams writes tabs.
func source(s string, found []table) Source {
	lower := strings.ToLower(s)
	if strings.Contains(lower, "(original name)") || strings.Contains(lower, "duration (minutes)") {
		return Zoom
	}
	if strings.Contains(s, "\t") {
		return Teams
	}
	for _, t := range found {
		if t.has(colUPN) || t.has(colFirstJoin) || t.has(colAction) {
			return Teams
		}
	}
	return Zoom
}
