package web

import (
	"reflect"
	"testing"
)

// TestSummaryInPageOrder: fields are ordered by where their input is; a message for a
// field the page does not show comes last, without a link.
func TestSummaryInPageOrder(t *testing.T) {
	content := []byte(`<input id="b"><input id="a"><input id="c">`)
	got := summaryInPageOrder(map[string]string{"a": "A", "c": "C", "b": "B", "gone": "Elsewhere"}, content)
	want := []SummaryItem{{"b", "B"}, {"a", "A"}, {"c", "C"}, {"", "Elsewhere"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestFieldAttrs: attributes name only what exists.
func TestFieldAttrs(t *testing.T) {
	cases := []struct {
		f          FormField
		attrs, set string
	}{
		{FormField{Name: "x"}, ``, ``},
		{FormField{Name: "x", Hints: []string{"x-hint"}}, `aria-describedby="x-hint"`, `aria-describedby="x-hint"`},
		{FormField{Name: "x", Message: "Bad"}, `aria-describedby="x-error" aria-invalid="true"`, `aria-describedby="x-error"`},
		{FormField{Name: "x", Message: "Bad", Hints: []string{"h1", "h2"}}, `aria-describedby="h1 h2 x-error" aria-invalid="true"`, `aria-describedby="h1 h2 x-error"`},
	}
	for _, c := range cases {
		if got := string(c.f.Attrs()); got != c.attrs {
			t.Errorf("%+v Attrs = %q, want %q", c.f, got, c.attrs)
		}
		if got := string(c.f.FieldsetAttrs()); got != c.set {
			t.Errorf("%+v FieldsetAttrs = %q, want %q", c.f, got, c.set)
		}
	}
}
