package web

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// recordCSV writes rows as CSV for spreadsheets: UTF-8 with a byte-order mark (without it
// Excel reads "Seán" as "SeÃ¡n"), CRLF line ends, and every cell neutralised so that none
// can run as a formula.
func recordCSV(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, cell := range row {
			safe[i] = recordCell(cell)
		}
		if err := w.Write(safe); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// recordCell puts an apostrophe before a cell that a spreadsheet would otherwise read as
// a formula (= + - @) or that starts with a tab or carriage return (OWASP's CSV injection
// advice); the apostrophe shows the text as it is.
func recordCell(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
