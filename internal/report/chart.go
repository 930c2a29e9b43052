package report

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chart colours: each has at least 3:1 contrast with white, as WCAG asks of the parts of
// a chart, except the "empty" and "not recorded" tints, which stand for absence.
const (
	ColourAttended    = "#0b5563" // the brand's dark teal
	ColourPartial     = "#5a6eb4"
	ColourDNA         = "#b3261e"
	ColourLate        = "#a35a00"
	ColourNotRecorded = "#b1b4b6"
	ColourEmpty       = "#e3f1f3"
)

// Series is one kind of value in a stacked bar, with its colour and legend name.
type Series struct {
	Name string
	Fill string
}

// Bar is one row of a chart: a label, one value per series, and a note printed after
// the bar (a percentage, a count).
type Bar struct {
	Label  string
	Values []int
	Note   string
}

// StackedChart is a horizontal bar chart drawn as inline SVG on the server: no script,
// no style attributes, no external service. Each bar is scaled to its own total (a 100%
// stacked bar), so rows of very different sizes can be compared; the note says how many.
// The page must show the same numbers in a table: the chart is a picture of the table.
type StackedChart struct {
	ID     string // unique on the page; names the title and description
	Title  string // what the chart shows, read out by screen readers
	Desc   string // where to find the numbers
	Series []Series
	Bars   []Bar
}

// Geometry, in the SVG's own units; the SVG scales to its container's width.
const (
	chartWidth  = 760
	labelWidth  = 250
	noteWidth   = 110
	barArea     = chartWidth - labelWidth - noteWidth - 16
	rowHeight   = 30
	barHeight   = 20
	legendRow   = 24
	charWidthX2 = 16 // a generous 8 units a character at font size 14, doubled to stay in integers
)

type svgRect struct {
	X, Width string
	Fill     string
	Title    string
}

type svgRow struct {
	Y, TextY, BarY  int
	Label, Full     string
	Rects           []svgRect
	Note            string
	NoteX, LabelEnd int
	Empty           bool
}

type svgLegend struct {
	X, Y, TextX, TextY int
	Name, Fill         string
}

type svgChart struct {
	ID, Title, Desc string
	Width, Height   int
	BarX, BarWidth  int
	Legend          []svgLegend
	Rows            []svgRow
}

var chartTemplate = template.Must(template.New("chart").Parse(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" width="100%" role="img" aria-labelledby="{{.ID}}-title {{.ID}}-desc" font-size="14" fill="#1b1b1b">
<title id="{{.ID}}-title">{{.Title}}</title>
<desc id="{{.ID}}-desc">{{.Desc}}</desc>
{{- range .Legend}}
<rect x="{{.X}}" y="{{.Y}}" width="14" height="14" fill="{{.Fill}}"/><text x="{{.TextX}}" y="{{.TextY}}">{{.Name}}</text>
{{- end}}
{{- range $row := .Rows}}
<g>
<title>{{.Full}}</title>
<text x="{{.LabelEnd}}" y="{{.TextY}}" text-anchor="end">{{.Label}}</text>
<rect x="{{$.BarX}}" y="{{.BarY}}" width="{{$.BarWidth}}" height="20" fill="#ffffff" stroke="#b1b4b6"/>
{{- range .Rects}}
<rect x="{{.X}}" y="{{$row.BarY}}" width="{{.Width}}" height="20" fill="{{.Fill}}"><title>{{.Title}}</title></rect>
{{- end}}
<text x="{{.NoteX}}" y="{{.TextY}}">{{.Note}}</text>
</g>
{{- end}}
</svg>`))

// SVG draws the chart. Text is escaped by html/template, so names of organisations and
// courses are safe in it.
func (c StackedChart) SVG() (template.HTML, error) {
	v := svgChart{ID: c.ID, Title: c.Title, Desc: c.Desc, Width: chartWidth, BarX: labelWidth, BarWidth: barArea}
	// Legend: items flow left to right and wrap.
	x, y := 0, 0
	for _, s := range c.Series {
		w := 14 + 6 + utf8.RuneCountInString(s.Name)*charWidthX2/2 + 20
		if x > 0 && x+w > chartWidth {
			x, y = 0, y+legendRow
		}
		v.Legend = append(v.Legend, svgLegend{X: x, Y: y + 2, TextX: x + 20, TextY: y + 14, Name: s.Name, Fill: s.Fill})
		x += w
	}
	top := 0
	if len(c.Series) > 0 {
		top = y + legendRow + 8
	}
	maxLabel := (labelWidth - 10) * 2 / charWidthX2
	for i, b := range c.Bars {
		rowY := top + i*rowHeight
		r := svgRow{Y: rowY, BarY: rowY + (rowHeight-barHeight)/2, TextY: rowY + rowHeight/2 + 5,
			Label: shorten(b.Label, maxLabel), Full: b.Label, Note: b.Note,
			NoteX: labelWidth + barArea + 8, LabelEnd: labelWidth - 8}
		if b.Note != "" {
			r.Full += ": " + b.Note
		}
		total := 0
		for _, n := range b.Values {
			total += max(n, 0)
		}
		if total > 0 {
			// Positions in tenths of a unit from running totals, so segments meet exactly.
			cum, prev := 0, 0
			for k, n := range b.Values {
				n = max(n, 0)
				cum += n
				edge := cum * barArea * 10 / total
				if n > 0 && k < len(c.Series) {
					r.Rects = append(r.Rects, svgRect{X: tenths(labelWidth*10 + prev), Width: tenths(edge - prev),
						Fill: c.Series[k].Fill, Title: c.Series[k].Name + ": " + strconv.Itoa(n)})
				}
				prev = edge
			}
		}
		v.Rows = append(v.Rows, r)
	}
	v.Height = top + len(c.Bars)*rowHeight + 4
	var buf bytes.Buffer
	if err := chartTemplate.Execute(&buf, v); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil //nolint:gosec // produced by html/template above
}

// tenths writes n tenths of a unit as "12.3".
func tenths(n int) string { return strconv.Itoa(n/10) + "." + strconv.Itoa(n%10) }

// shorten cuts s to at most n characters, ending with an ellipsis when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
