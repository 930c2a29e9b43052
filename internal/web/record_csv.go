package web

import (
	"bytes"
	"encoding/csv"
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
			safe[i] = csvCell(cell)
		}
		if err := w.Write(safe); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
