package bitol

import "testing"

func TestJSONWithTabs(t *testing.T) {
	d, err := Decode([]byte("{\n\t\"a\": 1,\n\t\"b\": [\n\t\t\"x\"\n\t]\n}\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Root.List("b")[0] != "x" || d.Line("b[0]") != 4 {
		t.Errorf("%s line %d", Canonical(d.Root), d.Line("b[0]"))
	}
}
