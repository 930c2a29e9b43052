package report

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestStackedChartSVG(t *testing.T) {
	c := StackedChart{
		ID:     "chart-x",
		Title:  "Places by type",
		Desc:   "The table below gives the same numbers.",
		Series: AttendanceSeries,
		Bars: []Bar{
			{Label: "Police", Values: []int{3, 1, 0, 0, 0}, Note: "DNA 0.0%"},
			{Label: `<script>alert("x")</script> & a very long organisation name that goes on`, Values: []int{1, 1, 1, 1, 1}, Note: "DNA 33.3%"},
			{Label: "Voluntary and community", Values: []int{0, 0, 0, 0, 0}, Note: "No places"},
		},
	}
	html, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, want := range []string{
		`role="img"`, `aria-labelledby="chart-x-title chart-x-desc"`,
		`<title id="chart-x-title">Places by type</title>`, `<desc id="chart-x-desc">`,
		`&lt;script&gt;`, `Attended: 3`, `Partly attended: 1`, `DNA 33.3%`, `No places`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{"<script>", "style=", "NaN", "float"} {
		if strings.Contains(s, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	// It is well-formed XML (browsers are forgiving; a PDF or a screen reader may not be).
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
	}
	// Police's 3 attended and 1 partial fill the 384-unit bar area exactly: 3/4 and 1/4.
	if !strings.Contains(s, `<rect x="250.0" y="37" width="288.0"`) || !strings.Contains(s, `<rect x="538.0" y="37" width="96.0"`) {
		t.Errorf("police segments are not 288 + 96 units from x=250:\n%s", s)
	}
	// The empty row draws no segments: only the outline rect per row plus legend swatches.
	segments := regexp.MustCompile(`<rect [^>]*><title>`).FindAllString(s, -1)
	if len(segments) != 2+5 {
		t.Errorf("%d coloured segments, want 7", len(segments))
	}
	if !strings.Contains(s, "…") {
		t.Errorf("the long label is not shortened")
	}
}

func TestChartsFromReport(t *testing.T) {
	f := newFixture(t)
	a, err := f.service().Attendance(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	types := TypeChart(a)
	if len(types.Bars) != 7 || types.Bars[0].Label != "Police" || types.Bars[0].Note != "DNA 37.5%" ||
		len(types.Bars[0].Values) != 5 || types.Bars[0].Values[0] != 4 || types.Bars[6].Note != "No places" {
		t.Errorf("type chart %+v", types.Bars)
	}
	fill := FillChart(a)
	if len(fill.Bars) != 2 || fill.Bars[0].Note != "50.0%" || fill.Bars[0].Values[0] != 8 || fill.Bars[0].Values[1] != 8 {
		t.Errorf("fill chart %+v", fill.Bars)
	}
	for _, c := range []StackedChart{types, fill} {
		if _, err := c.SVG(); err != nil {
			t.Error(err)
		}
	}
}
