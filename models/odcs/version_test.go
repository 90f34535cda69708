package odcs

import (
	"strings"
	"testing"
)

func TestSuggestVersion(t *testing.T) {
	for _, tt := range []struct{ old, bump, want string }{
		{"1.2.3", Major, "2.0.0"},
		{"1.2.3", Minor, "1.3.0"},
		{"1.2.3", Patch, "1.2.4"},
		{"1.2.3", "", "1.2.3"},
		{"v1.0.0", Minor, "v1.1.0"},
		{"0.3.0", Major, "1.0.0"},
		{"not a version", Minor, ""},
	} {
		if got := SuggestVersion(tt.old, tt.bump); got != tt.want {
			t.Errorf("SuggestVersion(%q, %q) = %q, want %q", tt.old, tt.bump, got, tt.want)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	for _, tt := range []struct {
		old, new, bump string
		err            string // "" when accepted
	}{
		{"1.2.3", "2.0.0", Major, ""},
		{"1.2.3", "2.0.0-rc.1", Major, ""},
		{"1.2.3", "1.3.0", Major, "the version must go to 2.0.0 or later"},
		{"1.2.3", "1.3.0", Minor, ""},
		{"1.2.3", "3.0.0", Minor, ""},
		{"1.2.3", "1.2.4", Minor, "the version must go to 1.3.0 or later"},
		{"1.2.3", "1.2.4", Patch, ""},
		{"1.2.3", "1.2.3", Patch, "must be greater than the current version 1.2.3"},
		{"1.2.3", "1.2.3", "", ""},
		{"1.2.3", "1.2.2", "", "must be greater"},
		{"1.2.3", "1.3", Minor, "is not a semantic version"},
		{"1.2.3", "banana", Patch, "is not a semantic version"},
		{"v1.2.3", "v2.0.0", Major, ""},
		{"", "0.1.0", Minor, ""},
	} {
		err := CheckVersion(tt.old, tt.new, tt.bump)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CheckVersion(%q, %q, %q) = %v, want nil", tt.old, tt.new, tt.bump, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("CheckVersion(%q, %q, %q) = %v, want %q", tt.old, tt.new, tt.bump, err, tt.err)
		}
	}
}

func TestComparisonCheckVersionNamesTheChange(t *testing.T) {
	old := mustParse(t, []byte(valid))
	next := mustParse(t, []byte(strings.Replace(valid, "      - name: customer_id\n        logicalType: integer\n", "", 1)))
	cmp := Compare(old, next)
	err := cmp.CheckVersion("1.0.0", "1.1.0")
	want := "property customer_id was removed from public.orders: that is a breaking change, the version must go to 2.0.0 or later"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if err := cmp.CheckVersion("1.0.0", "2.0.0"); err != nil {
		t.Error(err)
	}
}
