package meetingreport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// text turns the file's bytes into a string. Teams writes UTF-16 (little-endian, with a
// byte order mark); Zoom writes UTF-8, sometimes with a mark. A UTF-16 file whose mark was
// lost on the way is told by its zero bytes.
func text(data []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return utf16Text(data[2:], false), true
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return utf16Text(data[2:], true), true
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[3] == 0:
		return utf16Text(data, false), true
	case len(data) >= 4 && data[0] == 0 && data[1] != 0 && data[2] == 0:
		return utf16Text(data, true), true
	}
	if !utf8.Valid(data) {
		return "", false
	}
	return string(data), true
}

func utf16Text(data []byte, bigEndian bool) string {
	units := make([]uint16, len(data)/2)
	for i := range units {
		lo, hi := data[2*i], data[2*i+1]
		if bigEndian {
			lo, hi = hi, lo
		}
		units[i] = uint16(lo) | uint16(hi)<<8
	}
	return string(utf16.Decode(units))
}

// records splits the text into rows of cells. Teams separates cells with tabs, Zoom with
// commas; whichever the first non-blank line has more of wins. Rows may have any number
// of cells, because a report is several tables one after another; blank lines are
// dropped.
func records(s string) ([][]string, error) {
	comma := ','
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.Count(line, "\t") >= strings.Count(line, ",") {
			comma = '\t'
		}
		break
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		row, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return rows, nil
			}
			return nil, err
		}
		for i, cell := range row {
			row[i] = strings.TrimSpace(cell)
		}
		rows = append(rows, row)
	}
}
