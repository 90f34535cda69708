package views

import "testing"

func TestDescribeSchedule(t *testing.T) {
	for spec, want := range map[string]string{
		"0 2 * * *":    "every day at 02:00 UTC",
		"30 7 * * 1":   "every Monday at 07:30 UTC",
		"0 6 * * 1-5":  "every Monday to Friday at 06:00 UTC",
		"0 6 * * MON":  "every Monday at 06:00 UTC",
		"*/15 * * * *": "every 15 minutes, UTC",
		"5 * * * *":    "every hour at minute 5, UTC",
		"0 */6 * * *":  "every 6 hours at minute 0, UTC",
		"0 3 1 * *":    "on day 1 of every month at 03:00 UTC",
		"@hourly":      "every hour, on the hour, UTC",
		"@daily":       "every day at 00:00 UTC",
		"0 2 1-7 * 1":  "on schedule \u201c0 2 1-7 * 1\u201d UTC",
	} {
		if got := DescribeSchedule(spec, "UTC"); got != want {
			t.Errorf("%q: got %q, want %q", spec, got, want)
		}
	}
}
