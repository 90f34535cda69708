package views

import (
	"fmt"
	"time"
)

// The formatting every page, report and API description shares: one way to
// write a size, one way to say how long ago something was.

// Bytes is a size for people: 1.2 GB.
func Bytes(n *int64) string {
	if n == nil {
		return "unknown"
	}
	return bytesOf(*n)
}

func bytesOf(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// Ago says how long ago t was, relative to now.
func Ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "unknown"
	}
	d := now.Sub(*t)
	switch {
	case d < 0:
		return t.UTC().Format("2006-01-02 15:04 UTC")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return Plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return Plural(int(d/time.Hour), "hour") + " ago"
	default:
		return Plural(int(d/(24*time.Hour)), "day") + " ago"
	}
}

// Plural is a count with its unit: "1 day", "3 days".
func Plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
