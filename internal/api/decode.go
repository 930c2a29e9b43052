package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/audit"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
)

// MaxBodyBytes bounds every JSON request body; nothing the API accepts comes near it.
const MaxBodyBytes = 64 << 10

func badRequest(message string, fields map[string]string) *problem.Error {
	return &problem.Error{Status: http.StatusBadRequest, Code: "bad_request", Message: message, Fields: fields}
}

// decodeJSON reads exactly one JSON object into dst, refusing unknown fields so a typo in
// a field name is reported instead of silently ignored. With allowEmpty an empty body
// leaves dst as it is. Wrong types are 422s naming the field; anything that is not JSON
// is a 400.
func decodeJSON(c *gin.Context, dst any, allowEmpty bool) error {
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes))
	if err != nil {
		return jsonError(err)
	}
	// encoding/json reads null into a struct as "nothing to set", so a null body would
	// pass for an empty object and its fields for missing ones: refuse it as not an object.
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); bytes.HasPrefix(trimmed, []byte("null")) {
		return badRequest("Send the request as a JSON object in the body; null is not an object.", nil)
	}
	audit.NoteBody(c.Request.Context(), data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if err == nil {
		// Exactly one value: trailing data is as suspect as a syntax error.
		var extra json.RawMessage
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			if err != nil {
				return jsonError(err)
			}
			return badRequest("Send a single JSON object; the body has more after it.", nil)
		}
		return nil
	}
	if errors.Is(err, io.EOF) {
		if allowEmpty {
			return nil
		}
		return badRequest("Send the request as a JSON object in the body.", nil)
	}
	return jsonError(err)
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return problem.New(http.StatusRequestEntityTooLarge, "request_too_large",
			fmt.Sprintf("The request body is larger than %d KiB.", MaxBodyBytes>>10))
	case errors.As(err, &syntax):
		return badRequest(fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntax.Offset), nil)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("The request body is not valid JSON: it ends too soon.", nil)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return badRequest("Send the request as a JSON object.", nil)
		}
		// Bodies are flat objects; the path may name embedded Go structs before the field.
		field := typeErr.Field[strings.LastIndex(typeErr.Field, ".")+1:]
		return problem.Validation{field: typeMessage(typeErr)}.Err()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return badRequest(fmt.Sprintf("The request has a field this endpoint does not accept: %q.", name),
			map[string]string{name: "Unknown field"})
	}
	return badRequest("The request body could not be read as JSON.", nil)
}

func typeMessage(e *json.UnmarshalTypeError) string {
	t := e.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if strings.HasPrefix(e.Value, "number") {
			return "Enter a whole number in a sensible range"
		}
		return "Enter a whole number"
	case reflect.Bool:
		return "Enter true or false"
	case reflect.String:
		return "Enter text"
	case reflect.Slice:
		return "Enter a list"
	}
	return "This value has the wrong type"
}

// parseBodyTime reads an RFC 3339 timestamp from a JSON body; v collects the error.
func parseBodyTime(v problem.Validation, field string, s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(*s))
	if err != nil {
		v.Add(field, "Enter a date and time in RFC 3339 format, like 2027-03-04T09:30:00Z")
		return time.Time{}
	}
	if !plausibleYear(t) {
		v.Add(field, "Enter a date between the years 2000 and 2200")
		return time.Time{}
	}
	return t.UTC()
}

// plausibleYear keeps dates to those the service can mean (the pages' date fields accept
// the same years): a 1970 or year-0 date is a client's bug, not a plan.
func plausibleYear(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 2000 && y <= 2200
}

// parseQueryTime reads a from/to query value: RFC 3339, or a bare date meaning midnight at
// the start of that day in Europe/London. A "+" in an unencoded offset arrives as a
// space, so that is read back as "+".
func parseQueryTime(s string) (time.Time, bool) {
	t, ok := parseQueryTimeAnyYear(s)
	return t, ok && plausibleYear(t)
}

func parseQueryTimeAnyYear(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, clock.London); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	if strings.Count(s, " ") == 1 {
		if t, err := time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
