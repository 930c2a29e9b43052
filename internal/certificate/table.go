package certificate

// column is one column of a table: its heading, width in millimetres and alignment
// ("L", "C" or "R").
type column struct {
	title string
	width float64
	align string
	size  float64 // body font size in points when it differs from the table's
	// oneLine cells shrink their font rather than wrap: a certificate code of wide
	// letters (WWHMW-...) split over two lines could not be typed in from the page.
	oneLine bool
}

// fontSize is the body font size of column c in table t.
func (t *table) fontSize(c column) float64 {
	if c.size > 0 {
		return c.size
	}
	return t.size
}

// cellSize is the font size for text in column c: the column's size, made smaller when
// a one-line column's text would not otherwise fit its width.
func (t *table) cellSize(c column, text string) float64 {
	size := t.fontSize(c)
	if !c.oneLine {
		return size
	}
	t.f.setFont("", size)
	avail := c.width - 2*t.f.GetCellMargin()
	if w := t.f.GetStringWidth(text); w > avail {
		size *= avail / w
	}
	return size
}

// table draws rows of wrapped text under a header row, starting a new page (whose
// header function draws the page heading and calls head again) whenever the next row
// would cross the bottom margin, so a row is never split across pages.
type table struct {
	f        *pdfDoc
	cols     []column
	size     float64 // body font size in points
	minRow   float64 // minimum row height in millimetres (room to sign, say)
	bottom   float64 // lowest y a row may reach
	pad      float64 // space above and below the text in a cell
	stripe   bool    // shade every other row, to guide the eye along a wide row
	grid     bool    // rule the columns too, for a sheet people write on
	rowCount int
}

// head draws the column headings at the current y.
func (t *table) head() {
	f := t.f
	f.setFont("B", t.size)
	f.text(ink)
	f.fill(tealWash)
	f.draw(rule)
	f.SetLineWidth(0.2)
	lines := make([][]string, len(t.cols))
	h := 0.0
	for i, c := range t.cols {
		lines[i] = f.wrap(c.title, c.width-2*f.GetCellMargin())
		h = max(h, float64(len(lines[i]))*lineHeight(t.size))
	}
	h += 2 * t.pad
	x, y := f.GetX(), f.GetY()
	for i, c := range t.cols {
		f.Rect(x, y, c.width, h, "F")
		ty := y + t.pad
		for _, l := range lines[i] {
			f.SetXY(x, ty)
			f.CellFormat(c.width, lineHeight(t.size), l, "", 0, c.align, false, 0, "")
			ty += lineHeight(t.size)
		}
		x += c.width
	}
	t.columnRules(y, h)
	f.draw(teal)
	f.SetLineWidth(0.5)
	f.Line(t.left(), y+h, x, y+h)
	f.SetXY(t.left(), y+h)
	t.rowCount = 0
}

// columnRules draws the lines between and around the columns of a gridded table.
func (t *table) columnRules(y, h float64) {
	if !t.grid {
		return
	}
	f := t.f
	f.draw(rule)
	f.SetLineWidth(0.2)
	x := t.left()
	f.Line(x, y, x, y+h)
	for _, c := range t.cols {
		x += c.width
		f.Line(x, y, x, y+h)
	}
}

// left is the x of the table's left edge.
func (t *table) left() float64 {
	l, _, _, _ := t.f.GetMargins()
	return l
}

// rowHeight is the height row will take.
func (t *table) rowHeight(cells []string) float64 {
	f := t.f
	h := 0.0
	for i, c := range t.cols {
		size := t.cellSize(c, cells[i])
		f.setFont("", size)
		h = max(h, float64(len(f.wrap(cells[i], c.width-2*f.GetCellMargin())))*lineHeight(size))
	}
	return max(h+2*t.pad, t.minRow)
}

// fits says whether a row of height h still fits on this page.
func (t *table) fits(h float64) bool { return t.f.GetY()+h <= t.bottom }

// row draws one row, first moving to a new page when it would not fit on this one.
func (t *table) row(cells []string) {
	f := t.f
	h := t.rowHeight(cells)
	if !t.fits(h) {
		f.AddPage() // the page header draws the heading and the column headings
	}
	x, y := t.left(), f.GetY()
	if t.stripe && t.rowCount%2 == 1 {
		f.fill(rgb{0xf5, 0xf7, 0xf7})
		f.Rect(x, y, t.width(), h, "F")
	}
	f.text(ink)
	for i, c := range t.cols {
		size := t.cellSize(c, cells[i])
		f.setFont("", size)
		ty := y + t.pad
		for _, l := range f.wrap(cells[i], c.width-2*f.GetCellMargin()) {
			f.SetXY(x, ty)
			f.CellFormat(c.width, lineHeight(size), l, "", 0, c.align, false, 0, "")
			ty += lineHeight(size)
		}
		x += c.width
	}
	f.draw(rule)
	f.SetLineWidth(0.2)
	f.Line(t.left(), y+h, x, y+h)
	t.columnRules(y, h)
	f.SetXY(t.left(), y+h)
	t.rowCount++
}

// width is the table's total width.
func (t *table) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c.width
	}
	return w
}
