package contractcheck

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"time"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func TestComparePostgres(t *testing.T) {
	actual := []Actual{
		{Name: "id", Type: "integer", Nullable: no()},
		{Name: "CustomerID", Type: "integer", Nullable: yes()},
		{Name: "email", Type: "character varying(200)", Nullable: yes()},
		{Name: "amount", Type: "numeric(12,2)", Nullable: no()},
		{Name: "rating", Type: "mpaa_rating", Nullable: nil},
		{Name: "tags", Type: "text[]", Nullable: yes()},
		{Name: "blob", Type: "bytea", Nullable: yes()},
		{Name: "extra", Type: "text", Nullable: yes()},
	}
	expected := []Expected{
		{Name: "id", PhysicalType: "int4", Required: true},
		{Name: "customerid", LogicalType: "integer"},
		{Name: "email", LogicalType: "string", Required: true},
		{Name: "amount", PhysicalType: "decimal(10,2)"},
		{Name: "rating", LogicalType: "string", Required: true}, // nullability unknown: no drift
		{Name: "tags", LogicalType: "array"},
		{Name: "blob", LogicalType: "string"},
		{Name: "gone", LogicalType: "date"},
	}
	d := Compare(Postgres, expected, actual)
	if !d.Any() {
		t.Fatal("no drift")
	}
	if want := []string{"customerid", "gone"}; !reflect.DeepEqual(d.Missing, want) {
		t.Errorf("missing %q, want %q", d.Missing, want)
	}
	if want := []NamePair{{"customerid", "CustomerID"}}; !reflect.DeepEqual(d.CaseOnly, want) {
		t.Errorf("case only %v, want %v", d.CaseOnly, want)
	}
	if len(d.TypeMismatch) != 1 || d.TypeMismatch[0].Name != "amount" || d.TypeMismatch[0].Actual != "numeric(12,2)" ||
		!strings.Contains(d.TypeMismatch[0].Why, "numeric(10,2)") {
		t.Errorf("type mismatch %+v", d.TypeMismatch)
	}
	if want := []string{"email"}; !reflect.DeepEqual(d.NullableButRequired, want) {
		t.Errorf("nullable but required %q, want %q", d.NullableButRequired, want)
	}
	if want := []string{"CustomerID", "extra"}; !reflect.DeepEqual(d.NotInContract, want) {
		t.Errorf("not in contract %q, want %q", d.NotInContract, want)
	}
	if len(d.Unchecked) != 1 || d.Unchecked[0].Name != "blob" {
		t.Errorf("unchecked %+v", d.Unchecked)
	}
	s := d.Summary()
	for _, want := range []string{"2 columns missing", `customerid (the table has "CustomerID", which differs only in case`,
		"1 type differs: amount", "1 required column allows NULL: email", "Not in the contract: CustomerID, extra", "Types not checked: blob (bytea)"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary %q lacks %q", s, want)
		}
	}
}

func TestCompareCaseRules(t *testing.T) {
	actual := []Actual{{Name: "CustomerID", Type: "int(11)", Nullable: no()}}
	expected := []Expected{{Name: "customerid", LogicalType: "integer", Required: true}}
	for _, dialect := range []string{MySQL, SQLite} {
		if d := Compare(dialect, expected, actual); d.Any() || len(d.NotInContract) > 0 {
			t.Errorf("%s: %s", dialect, d.Summary())
		}
	}
	// SQLite folds ASCII letters only.
	if d := Compare(SQLite, []Expected{{Name: "straße"}}, []Actual{{Name: "STRASSE"}}); len(d.Missing) != 1 {
		t.Errorf("sqlite folded ß: %s", d.Summary())
	}
	if d := Compare(SQLite, []Expected{{Name: "ÄRGER"}}, []Actual{{Name: "ärger"}}); len(d.Missing) != 1 {
		t.Errorf("sqlite folded non-ASCII: %s", d.Summary())
	}
	// An exact match wins over one in another case (PostgreSQL may have both).
	d := Compare(Postgres, []Expected{{Name: "customerid"}}, []Actual{{Name: "CustomerID"}, {Name: "customerid"}})
	if d.Any() || !reflect.DeepEqual(d.NotInContract, []string{"CustomerID"}) {
		t.Errorf("exact first: %+v", d)
	}
	if s := (Drift{}).Summary(); s != "No drift." {
		t.Errorf("empty summary %q", s)
	}
}

func TestCompareMySQLAndSQLite(t *testing.T) {
	d := Compare(MySQL, []Expected{
		{Name: "id", PhysicalType: "int"},
		{Name: "active", LogicalType: "boolean"},
		{Name: "name", PhysicalType: "varchar(255)"},
		{Name: "status", PhysicalType: "enum('new','done')"},
		{Name: "doc", LogicalType: "object"},
	}, []Actual{
		{Name: "id", Type: "int(11)"}, {Name: "active", Type: "tinyint(1)"}, {Name: "name", Type: "varchar(100)"},
		{Name: "status", Type: "enum('new','done','lost')"}, {Name: "doc", Type: "longtext"},
	})
	if got := names(d.TypeMismatch); !reflect.DeepEqual(got, []string{"name", "status"}) {
		t.Errorf("mysql mismatches %v: %s", got, d.Summary())
	}
	d = Compare(SQLite, []Expected{
		{Name: "code", PhysicalType: "VARCHAR(20)"},
		{Name: "n", PhysicalType: "BIGINT"},
		{Name: "at", LogicalType: "timestamp"},
		{Name: "price", PhysicalType: "TEXT"},
	}, []Actual{{Name: "code", Type: "TEXT"}, {Name: "n", Type: "INTEGER"}, {Name: "at", Type: "TEXT"}, {Name: "price", Type: "REAL"}})
	if got := names(d.TypeMismatch); !reflect.DeepEqual(got, []string{"price"}) || !strings.Contains(d.TypeMismatch[0].Why, "affinity") {
		t.Errorf("sqlite mismatches %v: %s", got, d.Summary())
	}
	d = Compare(Postgres, []Expected{{Name: "x", LogicalType: "decimal"}}, []Actual{{Name: "x", Type: "numeric"}})
	if len(d.TypeMismatch) != 1 || !strings.Contains(d.TypeMismatch[0].Why, "not an ODCS logical type") {
		t.Errorf("unknown logical type: %s", d.Summary())
	}
}

func names(ms []Mismatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

// BenchmarkCompare1000 compares 1,000 contracts of 20 properties with
// their tables (one Compare per contract per op).
func BenchmarkCompare1000(b *testing.B) {
	types := []struct{ physical, logical, db string }{
		{"varchar(20)", "", "character varying(20)"}, {"", "integer", "integer"}, {"timestamptz", "", "timestamp with time zone"},
		{"", "number", "numeric(10,2)"}, {"", "string", "text"}, {"bool", "", "boolean"}, {"", "array", "text[]"}, {"", "object", "jsonb"},
	}
	type contract struct {
		exp []Expected
		act []Actual
	}
	contracts := make([]contract, 1000)
	for i := range contracts {
		for j := 0; j < 20; j++ {
			ty := types[(i+j)%len(types)]
			name := fmt.Sprintf("col_%d", j)
			contracts[i].exp = append(contracts[i].exp, Expected{Name: name, PhysicalType: ty.physical, LogicalType: ty.logical, Required: j%3 == 0})
			actName := name
			if j == 7 {
				actName = "Col_7" // a case-only difference on every table
			}
			contracts[i].act = append(contracts[i].act, Actual{Name: actName, Type: ty.db, Nullable: no()})
		}
	}
	start := time.Now()
	runs := 0
	for b.Loop() {
		for _, c := range contracts {
			if d := Compare(Postgres, c.exp, c.act); !d.Any() {
				b.Fatal("no drift")
			}
		}
		runs++
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(runs), "ms/1000contracts")
}
