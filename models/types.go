package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// StringList is a list of strings stored as a JSON array in a text column,
// which works the same on SQLite and PostgreSQL.
type StringList []string

func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		l = StringList{}
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

func (l *StringList) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*l = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("StringList: cannot scan %T", src)
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// Contains reports whether s is in the list, ignoring case.
func (l StringList) Contains(s string) bool {
	for _, v := range l {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// SplitList splits user input on commas and newlines, trims entries and drops
// empty ones and duplicates (case-insensitively, keeping the first spelling).
func SplitList(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ';' })
	return cleanList(fields)
}

func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || StringList(out).Contains(v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// FreshnessSLA is how stale a product may get, in whole minutes; zero means
// "no SLA". Users write it as a sequence of number+unit: 90m, 24h, 7d, 1d12h, 2w.
type FreshnessSLA int64

const maxFreshnessSLA = FreshnessSLA(366 * 24 * 60)

var slaPart = regexp.MustCompile(`^(\d{1,6})([mhdw])`)

// ParseFreshnessSLA parses the user's text; "", "none" and "0" mean no SLA.
func ParseFreshnessSLA(s string) (FreshnessSLA, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if s == "" || s == "none" || s == "0" {
		return 0, nil
	}
	unitMinutes := map[string]int64{"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
	var total int64
	for rest := s; rest != ""; {
		m := slaPart.FindStringSubmatch(rest)
		if m == nil {
			return 0, fmt.Errorf("use a duration such as 90m, 24h, 7d or 2w, or leave it empty for none")
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		total += n * unitMinutes[m[2]]
		if FreshnessSLA(total) > maxFreshnessSLA {
			return 0, fmt.Errorf("must be at most 366d")
		}
		rest = rest[len(m[0]):]
	}
	if total == 0 {
		return 0, fmt.Errorf("must be longer than zero; leave it empty for no SLA")
	}
	return FreshnessSLA(total), nil
}

// String renders the SLA in the largest exact units, e.g. 1d12h; "" for none.
func (f FreshnessSLA) String() string {
	if f <= 0 {
		return ""
	}
	var b strings.Builder
	rest := int64(f)
	for _, u := range []struct {
		unit    string
		minutes int64
	}{{"w", 7 * 24 * 60}, {"d", 24 * 60}, {"h", 60}, {"m", 1}} {
		if rest >= u.minutes {
			fmt.Fprintf(&b, "%d%s", rest/u.minutes, u.unit)
			rest %= u.minutes
		}
	}
	return b.String()
}

// Duration converts the SLA to a time.Duration.
func (f FreshnessSLA) Duration() time.Duration { return time.Duration(f) * time.Minute }

// MarshalJSON writes the SLA as its text form, or null for none.
func (f FreshnessSLA) MarshalJSON() ([]byte, error) {
	if f <= 0 {
		return []byte("null"), nil
	}
	return json.Marshal(f.String())
}
