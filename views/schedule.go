package views

import (
	"fmt"
	"strconv"
	"strings"
)

// DescribeSchedule says in words when a schedule runs ("every day at 02:00
// UTC"), for the preview beside the schedule field. Expressions it has no
// words for are described as such; the next runs are always exact.
func DescribeSchedule(spec, timeZone string) string {
	return describeSpec(spec) + " " + timeZone
}

func describeSpec(spec string) string {
	switch spec {
	case "@hourly":
		return "every hour, on the hour,"
	case "@daily", "@midnight":
		return "every day at 00:00"
	case "@weekly":
		return "every Sunday at 00:00"
	case "@monthly":
		return "on the 1st of every month at 00:00"
	case "@yearly", "@annually":
		return "every year on 1 January at 00:00"
	}
	f := strings.Fields(spec)
	if len(f) != 5 {
		return "on schedule \u201c" + spec + "\u201d"
	}
	minute, hour, dom, month, dow := f[0], f[1], f[2], f[3], f[4]
	at := ""
	if isNumber(minute) && isNumber(hour) {
		at = fmt.Sprintf("at %02d:%02d", atoi(hour), atoi(minute))
	}
	switch {
	case strings.HasPrefix(minute, "*/") && hour == "*" && dom == "*" && month == "*" && dow == "*":
		return "every " + strings.TrimPrefix(minute, "*/") + " minutes,"
	case isNumber(minute) && hour == "*" && dom == "*" && month == "*" && dow == "*":
		return fmt.Sprintf("every hour at minute %d,", atoi(minute))
	case isNumber(minute) && strings.HasPrefix(hour, "*/") && dom == "*" && month == "*" && dow == "*":
		return fmt.Sprintf("every %s hours at minute %d,", strings.TrimPrefix(hour, "*/"), atoi(minute))
	case at != "" && dom == "*" && month == "*" && dow == "*":
		return "every day " + at
	case at != "" && dom == "*" && month == "*":
		if days := describeWeekdays(dow); days != "" {
			return "every " + days + " " + at
		}
	case at != "" && isNumber(dom) && month == "*" && dow == "*":
		return fmt.Sprintf("on day %d of every month %s", atoi(dom), at)
	}
	return "on schedule \u201c" + spec + "\u201d"
}

var weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// describeWeekdays reads "1-5", "1,3,5" or "MON" style day-of-week fields.
func describeWeekdays(dow string) string {
	day := func(s string) (string, bool) {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 7 {
			return weekdayNames[n], true
		}
		for _, name := range weekdayNames {
			if strings.EqualFold(s, name[:3]) {
				return name, true
			}
		}
		return "", false
	}
	var parts []string
	for _, item := range strings.Split(dow, ",") {
		if from, to, ok := strings.Cut(item, "-"); ok {
			a, ok1 := day(from)
			b, ok2 := day(to)
			if !ok1 || !ok2 {
				return ""
			}
			parts = append(parts, a+" to "+b)
			continue
		}
		d, ok := day(item)
		if !ok {
			return ""
		}
		parts = append(parts, d)
	}
	return strings.Join(parts, ", ")
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
