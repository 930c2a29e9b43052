package problem

import (
	"errors"
	"reflect"
	"testing"
)

// TestMerge: field errors from several checks add up, the first message for a field
// wins, and a refusal of another kind is returned untouched.
func TestMerge(t *testing.T) {
	parse := Validation{"date": "Enter a real date", "capacity": "Enter a whole number"}.Err()
	rules := Validation{"capacity": "Enter 1 to 1000", "venue": "Enter the venue"}.Err()
	got, ok := Merge(nil, parse, nil, rules).(*Error)
	if !ok {
		t.Fatalf("Merge returned %T", got)
	}
	want := map[string]string{"date": "Enter a real date", "capacity": "Enter a whole number", "venue": "Enter the venue"}
	if !reflect.DeepEqual(got.Fields, want) || got.Status != 422 {
		t.Errorf("got %d %v, want 422 %v", got.Status, got.Fields, want)
	}
	if len(parse.(*Error).Fields) != 2 {
		t.Error("Merge changed its first argument")
	}
	busy := errors.New("database is locked")
	if err := Merge(parse, busy); err != busy {
		t.Errorf("a failure that is not a field error was replaced: %v", err)
	}
	if err := Merge(nil, nil); err != nil {
		t.Errorf("Merge(nil, nil) = %v", err)
	}
}
