package bitol

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind tells apart the failures a caller answers differently (an API maps
// them to 400, 413 and 422).
type Kind int

const (
	// KindSyntax: the bytes are not one well-formed YAML or JSON document
	// (syntax error, several documents, duplicate keys, alias bomb).
	KindSyntax Kind = iota + 1
	// KindTooLarge: the document is over the size limit; nothing was parsed.
	KindTooLarge
	// KindInvalid: well-formed, but not a valid document of the standard
	// (wrong kind or apiVersion, schema violations).
	KindInvalid
)

// Sentinels for errors.Is; an *Error matches the one of its Kind.
var (
	ErrSyntax   = errors.New("not a well-formed YAML or JSON document")
	ErrTooLarge = errors.New("document too large")
	ErrInvalid  = errors.New("invalid document")
)

func (k Kind) sentinel() error {
	switch k {
	case KindSyntax:
		return ErrSyntax
	case KindTooLarge:
		return ErrTooLarge
	default:
		return ErrInvalid
	}
}

// Problem is one thing wrong with a document, where it is and on which
// line, so that a page can point at it.
type Problem struct {
	// Path in the form schema[0].properties[2].logicalType; "" is the root.
	Path string `json:"path"`
	// Line is the 1-based line of Path (or of its nearest parent that
	// exists); 0 when unknown (a document built in code has no lines).
	Line int `json:"line,omitempty"`
	// Message is plain English.
	Message string `json:"message"`
}

func (p Problem) String() string {
	var sb strings.Builder
	if p.Path != "" {
		sb.WriteString(p.Path)
		sb.WriteString(": ")
	}
	sb.WriteString(p.Message)
	if p.Line > 0 {
		fmt.Fprintf(&sb, " (line %d)", p.Line)
	}
	return sb.String()
}

// Error is every failure of decoding or validating a document.
type Error struct {
	Kind     Kind
	Problems []Problem
}

// Error renders one problem a line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 0 {
		return e.Kind.sentinel().Error()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrInvalid) (and the others) work.
func (e *Error) Is(target error) bool { return target == e.Kind.sentinel() }

// Errorf returns an *Error of one problem.
func Errorf(k Kind, path string, line int, format string, args ...any) *Error {
	return &Error{Kind: k, Problems: []Problem{{Path: path, Line: line, Message: fmt.Sprintf(format, args...)}}}
}

// Sorted returns problems without duplicates, ordered by line then path,
// which is the order a reader goes through the document.
func Sorted(ps []Problem) []Problem {
	seen := make(map[Problem]bool, len(ps))
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
	return out
}

// SizeError is the KindTooLarge error for a document of n bytes.
func SizeError(n, limit int) *Error {
	return Errorf(KindTooLarge, "", 0, "the document is %s; the limit is %s", size(n), size(limit))
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
