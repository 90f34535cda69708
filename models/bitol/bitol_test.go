package bitol

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecodeScalars(t *testing.T) {
	d, err := Decode([]byte(`date: 2022-10-03
ts: 2022-10-03T10:00:00Z
quoted: "2022-10-03"
int: 42
neg: -7
float: 9.95
exp: 1e3
hex: 0x1F
dot: .5
yes: yes
t: true
f: False
n: null
tilde: ~
empty:
str: hello
ver: 1.0.0
bin: !!binary aGVsbG8=
`), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"date": "2022-10-03", "ts": "2022-10-03T10:00:00Z", "quoted": "2022-10-03",
		"int": json.Number("42"), "neg": json.Number("-7"), "float": json.Number("9.95"), "exp": json.Number("1e3"),
		"hex": json.Number("31"), "dot": json.Number("0.5"), "yes": "yes", "t": true, "f": false,
		"n": nil, "tilde": nil, "empty": nil, "str": "hello", "ver": "1.0.0", "bin": "aGVsbG8=",
	}
	for k, v := range want {
		if got := d.Root.Value(k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if keys := strings.Join(d.Root.Keys(), ","); !strings.HasPrefix(keys, "date,ts,quoted,int") {
		t.Errorf("order = %s", keys)
	}
}

func TestDecodeLines(t *testing.T) {
	d, err := Decode([]byte("a: 1\nlist:\n  - x: 1\n    y:\n      - 2\n  - x: 3\n\"we.ird\": 4\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	for path, line := range map[string]int{
		"": 1, "a": 1, "list": 2, "list[0]": 3, "list[0].x": 3, "list[0].y[0]": 5, "list[1].x": 6,
		`["we.ird"]`: 7, "list[1].missing": 6, "list[9]": 2,
	} {
		if got := d.Line(path); got != line {
			t.Errorf("Line(%q) = %d, want %d", path, got, line)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	for _, tt := range []struct {
		name, doc string
		limit     int
		kind      Kind
		line      int
		msg       string
	}{
		{"too large", "a: 12345", 4, KindTooLarge, 0, "the document is 8 bytes; the limit is 4 bytes"},
		{"syntax", "a: 1\nb: [\n", 0, KindSyntax, 2, "YAML syntax error"},
		{"two documents", "a: 1\n---\nb: 2\n", 0, KindSyntax, 2, "only one YAML document"},
		{"duplicate", "a: 1\nb: 2\na: 3\n", 0, KindSyntax, 3, `duplicate key "a" (first at line 1)`},
		{"list", "- 1\n", 0, KindInvalid, 1, "must be a mapping"},
		{"scalar", "hello\n", 0, KindInvalid, 1, "not a string"},
		{"empty", "", 0, KindSyntax, 0, "empty"},
		{"bomb", bomb, 0, KindSyntax, 5, "aliases expand to more than"},
		{"cycle", "a: &a [*a]\n", 0, KindSyntax, 1, "contains an alias to itself"},
		{"unknown alias", "a: *nope\n", 0, KindSyntax, 0, "unknown anchor"},
		{"mapping key", "? [a]\n: 1\n", 0, KindSyntax, 1, "mapping keys must be plain values"},
		{"nan", "a: .nan\n", 0, KindInvalid, 1, "no infinity or NaN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.doc), tt.limit)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			if e.Kind != tt.kind || e.Problems[0].Line != tt.line || !strings.Contains(e.Problems[0].Message, tt.msg) {
				t.Errorf("err = %+v, want kind %v line %d %q", e, tt.kind, tt.line, tt.msg)
			}
		})
	}
}

func TestMergeKeys(t *testing.T) {
	d, err := Decode([]byte("base: &base {a: 1, b: 2}\nx:\n  <<: *base\n  b: 3\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	x := d.Root.Map("x")
	if x.Value("a") != json.Number("1") || x.Value("b") != json.Number("3") || x.Len() != 2 {
		t.Errorf("x = %s", Canonical(x))
	}
}

func TestExportQuotesWhatWouldChange(t *testing.T) {
	m := NewMap()
	for _, s := range []string{"2022-10-03", "2022-10-03T10:00:00Z", "42", "1.5", "true", "null", "~", "yes", "off", "1:20", "", "plain", "a: b", "- x", "multi\nline\n", "#x", "0x1F", "1e3"} {
		m.Set("k"+s, s)
	}
	m.Set("num", json.Number("3.10"))
	m.Set("list", []any{})
	m.Set("obj", NewMap())
	out := YAML(m)
	d, err := Decode(out, 0)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if string(Canonical(d.Root)) != string(Canonical(m)) {
		t.Errorf("round trip:\n%s\n%s\n%s", out, Canonical(d.Root), Canonical(m))
	}
	for _, want := range []string{`k2022-10-03: "2022-10-03"`, `k42: "42"`, `kyes: "yes"`, "num: 3.10", "plain: plain", "list: []", "obj: {}"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	j := JSON(m)
	dj, err := Decode(j, 0)
	if err != nil || string(Canonical(dj.Root)) != string(Canonical(m)) {
		t.Errorf("JSON round trip: %v\n%s", err, j)
	}
	if !strings.HasPrefix(string(j), "{\n  \"k2022-10-03\": \"2022-10-03\",") {
		t.Errorf("JSON order/indent:\n%s", j)
	}
}

func TestValidateProblems(t *testing.T) {
	s := NewSchema("https://example.com/s.json", []byte(`{
	  "$schema": "https://json-schema.org/draft/2019-09/schema",
	  "type": "object", "required": ["name"], "unevaluatedProperties": false,
	  "properties": {
	    "name": {"type": "string"},
	    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}}
	  },
	  "$defs": {"item": {"type": "object", "properties": {"kind": {"enum": ["a", "b"]}}, "unevaluatedProperties": false}}
	}`))
	d, err := Decode([]byte("items:\n  - kind: a\n  - kind: c\n    extra: 1\n  - other: 2\nfoo: 1\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	ps := s.Validate(d)
	got := make([]string, len(ps))
	for i, p := range ps {
		got[i] = p.String()
	}
	want := []string{
		"missing property 'name' (line 1)",
		"items[1].kind: value must be one of 'a', 'b' (line 3)",
		"items[1]: property 'extra' is not allowed (line 4)",
		"items[2]: property 'other' is not allowed (line 5)",
		"property 'foo' is not allowed (line 6)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPaths(t *testing.T) {
	p := Index(Key(Key("", "schema"), "a.b"), 2)
	if p != `schema["a.b"][2]` || Parent(p) != `schema["a.b"]` || Parent(Parent(p)) != "schema" || Parent("schema") != "" {
		t.Errorf("%s %s", p, Parent(p))
	}
}

func TestMap(t *testing.T) {
	m := NewMap()
	for i := 0; i < 40; i++ {
		m.Set(string(rune('a'+i)), i)
	}
	m.Delete("c")
	m.Set("a", "x")
	if m.Len() != 39 || m.Value("a") != "x" || m.Has("c") || m.Value("d") != 3 || m.Keys()[2] != "d" {
		t.Errorf("map = %v", m.Keys())
	}
	r := m.Reordered([]string{"z", "b"})
	if r.Keys()[0] != "z" || r.Keys()[1] != "b" || r.Keys()[2] != "a" {
		t.Errorf("reordered = %v", r.Keys())
	}
	c := m.Clone()
	c.Set("a", "y")
	if m.Value("a") != "x" {
		t.Error("Clone shares values")
	}
}
