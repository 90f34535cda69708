package models_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

func TestParseFreshnessSLA(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		minutes int64
		text    string // String() of the parsed value
		wantErr string // part of the error message
	}{
		{in: "", minutes: 0, text: ""},
		{in: "none", minutes: 0, text: ""},
		{in: "0", minutes: 0, text: ""},
		{in: "90m", minutes: 90, text: "1h30m"},
		{in: "24h", minutes: 1440, text: "1d"},
		{in: "1d12h", minutes: 2160, text: "1d12h"},
		{in: "36h", minutes: 2160, text: "1d12h"},
		{in: "7d", minutes: 7 * 1440, text: "1w"},
		{in: "2w", minutes: 2 * 7 * 1440, text: "2w"},
		{in: " 1D 12H ", minutes: 2160, text: "1d12h"},
		{in: "1w1d1h1m", minutes: 10080 + 1440 + 60 + 1, text: "1w1d1h1m"},
		{in: "366d", minutes: 366 * 1440, text: "52w2d"},
		{in: "soon", wantErr: "use a duration"},
		{in: "24", wantErr: "use a duration"},
		{in: "1.5h", wantErr: "use a duration"},
		{in: "-1h", wantErr: "use a duration"},
		{in: "1y", wantErr: "use a duration"},
		{in: "1h soon", wantErr: "use a duration"},
		{in: "0m", wantErr: "longer than zero"},
		{in: "0h0m", wantErr: "longer than zero"},
		{in: "400d", wantErr: "at most 366d"},
		{in: "367d", wantErr: "at most 366d"},
		{in: "999999w", wantErr: "at most 366d"},
	}
	for _, tt := range tests {
		got, err := models.ParseFreshnessSLA(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFreshnessSLA(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFreshnessSLA(%q): unexpected error %v", tt.in, err)
			continue
		}
		if int64(got) != tt.minutes {
			t.Errorf("ParseFreshnessSLA(%q) = %d minutes, want %d", tt.in, got, tt.minutes)
		}
		if got.String() != tt.text {
			t.Errorf("ParseFreshnessSLA(%q).String() = %q, want %q", tt.in, got.String(), tt.text)
		}
		// What String writes, Parse reads back to the same value.
		if back, err := models.ParseFreshnessSLA(got.String()); err != nil || back != got {
			t.Errorf("ParseFreshnessSLA(%q) = %v, %v; want %v back", got.String(), back, err, got)
		}
	}
}

func TestFreshnessSLAJSONAndDuration(t *testing.T) {
	t.Parallel()
	for sla, want := range map[models.FreshnessSLA]string{0: "null", 90: `"1h30m"`, 1440: `"1d"`} {
		b, err := sla.MarshalJSON()
		if err != nil || string(b) != want {
			t.Errorf("FreshnessSLA(%d).MarshalJSON() = %s, %v; want %s", sla, b, err, want)
		}
	}
	if d := models.FreshnessSLA(90).Duration(); d != 90*time.Minute {
		t.Errorf("FreshnessSLA(90).Duration() = %v, want 1h30m", d)
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Checkout", "checkout"},
		{"Customer Orders", "customer-orders"},
		{"Données Clients", "donnees-clients"},
		{"Straße Øresund Łódź Æsir", "strasse-oresund-lodz-aesir"},
		{"Crème brûlée", "creme-brulee"},
		{"Ünïcödé", "unicode"},
		{"  --Hello,   World!--  ", "hello-world"},
		{"a__b..c", "a-b-c"},
		{"Q3 2024 Sales", "q3-2024-sales"},
		{"ﬁle", "file"}, // NFKD splits the ligature
		{"日本語", ""},
		{"!!!", ""},
		{"", ""},
		{strings.Repeat("a", 70), strings.Repeat("a", 63)},
		// Cut at 63 characters, then the dash the cut left at the end goes.
		{strings.Repeat("a", 62) + " b", strings.Repeat("a", 62)},
	}
	for _, tt := range tests {
		if got := models.Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{" , ;\n", []string{}},
		{"a", []string{"a"}},
		{"a, b;c\nd\r\ne", []string{"a", "b", "c", "d", "e"}},
		{"  team-a ,team-b  ", []string{"team-a", "team-b"}},
		{"Ada@Example.com, ada@example.com, bob", []string{"Ada@Example.com", "bob"}},
		{"data team, data team", []string{"data team"}},
	}
	for _, tt := range tests {
		if got := models.SplitList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitList(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestStringListValueScan(t *testing.T) {
	t.Parallel()
	for _, list := range []models.StringList{nil, {}, {"a"}, {"team-a", "ada@example.com", "Équipe \"Données\""}} {
		v, err := list.Value()
		if err != nil {
			t.Fatalf("%#v.Value(): %v", list, err)
		}
		text, ok := v.(string)
		if !ok {
			t.Fatalf("%#v.Value() is a %T, want a string for the text column", list, v)
		}
		if list == nil && text != "[]" {
			t.Errorf("nil list stored as %q, want [] (the column is NOT NULL)", text)
		}
		for _, src := range []any{text, []byte(text)} {
			var back models.StringList
			if err := back.Scan(src); err != nil {
				t.Fatalf("Scan(%T %q): %v", src, text, err)
			}
			if len(back) != len(list) || (len(list) > 0 && !reflect.DeepEqual(back, list)) {
				t.Errorf("round trip of %#v via %T gave %#v", list, src, back)
			}
		}
	}

	var l models.StringList = models.StringList{"left over"}
	if err := l.Scan(nil); err != nil || l != nil {
		t.Errorf("Scan(nil) = %#v, %v; want nil list, no error", l, err)
	}
	if err := l.Scan(42); err == nil {
		t.Errorf("Scan(42) succeeded; want an error for a non-text value")
	}
	if err := l.Scan("not json"); err == nil {
		t.Errorf("Scan(\"not json\") succeeded; want an error")
	}
	if !(models.StringList{"Team-A"}).Contains("team-a") || (models.StringList{"team-a"}).Contains("team") {
		t.Errorf("StringList.Contains must match whole entries, ignoring case")
	}
}

func TestErrorHelpers(t *testing.T) {
	t.Parallel()
	err := models.FieldErrors{"name": "Enter a name."}.Err()
	if models.ErrorCode(err) != models.EINVALID || models.ErrorFields(err)["name"] != "Enter a name." {
		t.Errorf("FieldErrors.Err() = %v; want EINVALID with the name message", err)
	}
	if (models.FieldErrors{}).Err() != nil {
		t.Errorf("empty FieldErrors.Err() is not nil")
	}
	f := models.FieldErrors{}
	f.Add("name", "first")
	f.Add("name", "second")
	if f["name"] != "first" {
		t.Errorf("FieldErrors.Add replaced the first message: %q", f["name"])
	}
	foreign := errTest("connection reset by peer at 10.0.0.5")
	if models.ErrorCode(foreign) != models.EINTERNAL || strings.Contains(models.ErrorMessage(foreign), "10.0.0.5") {
		t.Errorf("a foreign error must be EINTERNAL with a generic message; got %q, %q", models.ErrorCode(foreign), models.ErrorMessage(foreign))
	}
	if models.ErrorCode(nil) != "" || models.ErrorMessage(nil) != "" || models.ErrorFields(nil) != nil {
		t.Errorf("nil error must have no code, message or fields")
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db:5432/meshport", "postgres://app:xxxxx@db:5432/meshport"},
		{"postgres://app@db/meshport", "postgres://app@db/meshport"},
		{"postgres://app:p@ss@db/meshport", "postgres://app:xxxxx@db/meshport"},
		{"/var/lib/meshport/meshport.db", "/var/lib/meshport/meshport.db"},
	}
	for _, tt := range tests {
		if got := models.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
