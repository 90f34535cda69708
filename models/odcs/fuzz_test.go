package odcs

import (
	"bytes"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// exports to documents it accepts again, unchanged.
func FuzzParse(f *testing.F) {
	for _, data := range examples(f) {
		if len(data) < 20_000 {
			f.Add(data)
		}
	}
	f.Add([]byte(valid))
	f.Add([]byte(editable))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("<<: {a: 1}\nb: 0x1F\nc: .5\nd: !!binary aGVsbG8=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		for _, out := range [][]byte{c.YAML(), c.JSON()} {
			back, err := Parse(out)
			if err != nil {
				t.Fatalf("the export of an accepted document is refused: %v\n%s", err, out)
			}
			if !bytes.Equal(withoutAPIVersion(back), withoutAPIVersion(c)) {
				t.Fatalf("the export changed the document:\n%s\n%s", withoutAPIVersion(back), withoutAPIVersion(c))
			}
		}
		_ = c.Objects()
		_ = Compare(c, c)
	})
}
