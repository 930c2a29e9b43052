package web

import (
	"bytes"
	"html/template"
	"sort"
	"strings"
)

// FormField is what a template needs to show one form field's error the same way on
// every form: the message, the error paragraph's id, and the ARIA attributes that tie the
// field to its hints and error so a screen reader reads them with the label.
type FormField struct {
	Name    string
	Message string   // "" when the field is fine
	Hints   []string // ids of hint elements that describe the field
}

// Field returns the field named name (its input's id and name), with the ids of any hints
// on the page that describe it. In a template:
//
//	{{$f := .Field "email" "email-hint"}}
//	<div class="{{$f.GroupClass}}"> ... {{template "field-error" $f}}
//	<input id="email" name="email" {{$f.Attrs}}>
func (p Page) Field(name string, hints ...string) FormField {
	return FormField{Name: name, Message: p.FieldError(name), Hints: hints}
}

// ErrorID is the id of the paragraph holding the field's error message.
func (f FormField) ErrorID() string { return f.Name + "-error" }

// GroupClass is the class list of the field's form group, marked when in error.
func (f FormField) GroupClass() string {
	if f.Message != "" {
		return "form-group form-group--error"
	}
	return "form-group"
}

// describedBy lists the hints, then the error, as aria-describedby wants them.
func (f FormField) describedBy() string {
	ids := append([]string(nil), f.Hints...)
	if f.Message != "" {
		ids = append(ids, f.ErrorID())
	}
	return strings.Join(ids, " ")
}

// Attrs are the attributes for an input, select or textarea: aria-describedby for its
// hints and error, and aria-invalid when it is in error.
func (f FormField) Attrs() template.HTMLAttr {
	var b strings.Builder
	if d := f.describedBy(); d != "" {
		b.WriteString(`aria-describedby="` + template.HTMLEscapeString(d) + `"`)
	}
	if f.Message != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`aria-invalid="true"`)
	}
	return template.HTMLAttr(b.String())
}

// FieldsetAttrs are the attributes for the fieldset around a group of radios or
// checkboxes: the description goes on the group (aria-invalid is not for groups).
func (f FormField) FieldsetAttrs() template.HTMLAttr {
	if d := f.describedBy(); d != "" {
		return template.HTMLAttr(`aria-describedby="` + template.HTMLEscapeString(d) + `"`)
	}
	return ""
}

// SummaryItem is one line of the error summary at the top of a page.
type SummaryItem struct {
	Field   string // the id to link to; "" when the page has no such field
	Message string
}

// summaryInPageOrder lists the problem's field messages in the order their fields appear
// in the rendered content, so the summary reads like the form; a message whose field is
// not on the page comes last, as text without a link.
func summaryInPageOrder(fields map[string]string, content []byte) []SummaryItem {
	type placed struct {
		SummaryItem
		at int
	}
	list := make([]placed, 0, len(fields))
	for name, msg := range fields {
		at := bytes.Index(content, []byte(`id="`+name+`"`))
		item := placed{SummaryItem{Field: name, Message: msg}, at}
		if at < 0 {
			item.Field, item.at = "", len(content)
		}
		list = append(list, item)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].at != list[j].at {
			return list[i].at < list[j].at
		}
		return list[i].Message < list[j].Message
	})
	out := make([]SummaryItem, len(list))
	for i, p := range list {
		out[i] = p.SummaryItem
	}
	return out
}
