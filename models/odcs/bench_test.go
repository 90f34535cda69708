package odcs

import "testing"

// BenchmarkParseAdventureWorks parses and validates the largest official
// example (about 190 KB).
func BenchmarkParseAdventureWorks(b *testing.B) {
	data := readExample(b, "all/postgresql-adventureworks-contract.odcs.yaml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
