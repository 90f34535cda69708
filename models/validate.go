package models

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	slugPattern  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	groupPattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,99}$`)
	tagPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)
)

// Slugify turns a name into a URL slug: lower case ASCII letters, digits and
// single dashes, at most 63 characters.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	name = letterSpellings().Replace(strings.ToLower(name))
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining marks left by NFKD: "é" becomes "e"
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// letterSpellings spells out letters that NFKD does not split into a base
// letter and a mark, so "Straße" becomes "strasse", not "stra-e". static/app.js
// has the same table for the slug it fills in as people type.
func letterSpellings() *strings.Replacer {
	return strings.NewReplacer("ß", "ss", "æ", "ae", "ø", "o", "œ", "oe", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i")
}

func validateName(errs FieldErrors, field, v string) {
	switch {
	case v == "":
		errs.Add(field, "Enter a name.")
	case utf8.RuneCountInString(v) > 100:
		errs.Add(field, "Use at most 100 characters.")
	case hasControl(v):
		errs.Add(field, "Remove the control characters (tabs, line breaks).")
	}
}

func validateSlug(errs FieldErrors, field, v string) {
	switch {
	case v == "":
		errs.Add(field, "Enter a slug, or a name to derive it from.")
	case len(v) > 63:
		errs.Add(field, "Use at most 63 characters.")
	case !slugPattern.MatchString(v):
		errs.Add(field, "Use lower-case letters, digits and single dashes, e.g. customer-orders.")
	}
}

func validateMaxLen(errs FieldErrors, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		errs.Add(field, fmt.Sprintf("Use at most %d characters.", max))
	}
}

// ownerProblem explains what is wrong with an owner entry, or returns "".
// Owners are people (email addresses) or groups from the identity provider.
func ownerProblem(o string) string {
	if strings.Contains(o, "@") {
		a, err := mail.ParseAddress(o)
		if err != nil || a.Address != o || a.Name != "" {
			return "\u201c" + truncate(o, 60) + "\u201d is not a valid email address."
		}
		if len(o) > 254 {
			return "Email addresses are at most 254 characters."
		}
		return ""
	}
	if !groupPattern.MatchString(o) {
		return "\u201c" + truncate(o, 60) + "\u201d is neither an email address nor a group name (letters, digits, spaces and . _ : / -, at most 100)."
	}
	return ""
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "\u2026"
}
