package models

import (
	"strings"
	"testing"
	"time"
)

func TestNextRunsInTimeZone(t *testing.T) {
	from := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
	runs := NextRuns("0 2 * * *", "Europe/Berlin", from, 3)
	if len(runs) != 3 {
		t.Fatalf("runs %v", runs)
	}
	// Berlin switches to summer time on 29 March 2026: 02:00 does not exist
	// that night, and robfig/cron skips it (the preview shows this).
	for i, want := range []string{"2026-03-30T02:00:00+02:00", "2026-03-31T02:00:00+02:00", "2026-04-01T02:00:00+02:00"} {
		if got := runs[i].Format(time.RFC3339); got != want {
			t.Errorf("run %d = %s, want %s", i, got, want)
		}
	}
	if NextRuns("not a schedule", "UTC", from, 3) != nil {
		t.Error("an invalid schedule has next runs")
	}
}

func TestParseScheduleRefusals(t *testing.T) {
	for spec, want := range map[string]string{
		"":          "Enter a schedule",
		"* * * * *": "at most every 5 minutes",
		"@every 1m": "cannot run once across replicas",
		"@every 6h": "cannot run once across replicas",
		"0 2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2 * * *": "at most 100 characters",
		"61 * * * *":       "Not a schedule",
		"0 2 * *":          "Not a schedule",
		"TZ=UTC 0 2 * * *": "own field",
		"0 0 30 2 *":       "never runs",
	} {
		_, msg := ParseSchedule(spec, time.UTC)
		if msg == "" || !strings.Contains(msg, want) {
			t.Errorf("%q: message %q, want it to contain %q", spec, msg, want)
		}
	}
}
