package web

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestRecordCell(t *testing.T) {
	for in, want := range map[string]string{
		"=SUM(A1:A2)": "'=SUM(A1:A2)", "+44 1225": "'+44 1225", "-1": "-1", "-1+2": "'-1+2", "@SUM(1)": "'@SUM(1)",
		"\tcmd": "'\tcmd", "\rcmd": "'\rcmd", "": "", "Plain": "Plain", "a=b": "a=b", "Seán": "Seán",
		" =1+2": "' =1+2", "\ufeff=BOM()": "'\ufeff=BOM()", "  plain": "  plain",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecordCSVRoundTrips(t *testing.T) {
	rows := [][]string{{"Course", "Note"}, {"=cmd", "line one\nline two, with \"quotes\""}}
	b, err := recordCSV(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeffCourse,Note\r\n")) {
		t.Errorf("start: %q", b)
	}
	got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got[1][0] != "'=cmd" || got[1][1] != rows[1][1] {
		t.Errorf("row: %q", got[1])
	}
}
