package report

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What Anonymise puts in place of what it takes out.
const (
	RemovedEmail = "[email removed]"
	RemovedPhone = "[phone number removed]"
	RemovedName  = "[name removed]"
	RemovedOrg   = "[organisation removed]"
)

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+'\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	// A run of digits, perhaps with a leading + and spaces, dots, dashes or brackets
	// between them; phoneLike decides whether it has enough digits to be a number.
	phoneRE = regexp.MustCompile(`\+?\(?\d[\d \-().]{6,}\d`)
)

// phoneLike reports whether s holds 10 to 15 digits: a UK or international number,
// not a year, a date range or a count.
func phoneLike(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n >= 10 && n <= 15
}

// Anonymise takes out of free text what would say who wrote it or whom it is about:
// email addresses and phone numbers anywhere, and the given words (the writer's name,
// each part of it of three letters or more, their email and their organisation's name)
// wherever they stand as whole words, whatever their case. It cannot catch every name
// a person may write, which is why the form asks for none.
func Anonymise(text, name, email, org string) string {
	if text == "" {
		return ""
	}
	text = emailRE.ReplaceAllString(text, RemovedEmail)
	text = phoneRE.ReplaceAllStringFunc(text, func(m string) string {
		if phoneLike(m) {
			return RemovedPhone
		}
		return m
	})
	text = removeWords(text, RemovedOrg, strings.TrimSpace(org))
	words := []string{strings.TrimSpace(name)}
	for _, part := range strings.Fields(name) {
		if utf8.RuneCountInString(part) >= 3 {
			words = append(words, part)
		}
	}
	if local, _, ok := strings.Cut(email, "@"); ok && utf8.RuneCountInString(local) >= 3 {
		words = append(words, local)
	}
	return removeWords(text, RemovedName, words...)
}

// removeWords replaces each word (or phrase) where it is not part of a longer word.
func removeWords(text, with string, words ...string) string {
	for _, w := range words {
		if w == "" || strings.Contains(with, w) {
			continue
		}
		re, err := regexp.Compile(`(?i)` + regexp.QuoteMeta(w))
		if err != nil {
			continue
		}
		var b strings.Builder
		last := 0
		for _, loc := range re.FindAllStringIndex(text, -1) {
			if !boundary(text, loc[0], loc[1]) {
				continue
			}
			b.WriteString(text[last:loc[0]])
			b.WriteString(with)
			last = loc[1]
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	return text
}

// boundary reports whether text[i:j] is not joined to a letter or digit on either side.
func boundary(text string, i, j int) bool {
	if r, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(text[j:]); j < len(text) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	return true
}
