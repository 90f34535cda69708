package odps

import (
	"bytes"
	"testing"
)

// FuzzParse checks that Parse never panics and that accepted documents
// export to documents it accepts, unchanged.
func FuzzParse(f *testing.F) {
	for _, data := range examples(f) {
		f.Add(data)
	}
	f.Add([]byte("apiVersion: v1.0.0\nkind: DataProduct\nid: p\nstatus: active\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		for _, out := range [][]byte{p.YAML(), p.JSON()} {
			back, err := Parse(out)
			if err != nil {
				t.Fatalf("the export of an accepted document is refused: %v\n%s", err, out)
			}
			if !bytes.Equal(withoutAPIVersion(back), withoutAPIVersion(p)) {
				t.Fatalf("the export changed the document")
			}
		}
		_, _, _ = p.InputPorts(), p.OutputPorts(), p.Team()
	})
}
