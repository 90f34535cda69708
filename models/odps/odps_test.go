package odps

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models/bitol"
)

func examples(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/examples/*.yaml")
	if err != nil || len(paths) != 2 {
		t.Fatalf("examples: %v %v", paths, err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = b
	}
	return out
}

func mustParse(t testing.TB, data []byte) *Product {
	t.Helper()
	p, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func withoutAPIVersion(p *Product) []byte {
	root := p.root().Clone()
	root.Delete("apiVersion")
	return bitol.Canonical(root)
}

func TestExamplesRoundTrip(t *testing.T) {
	for path, data := range examples(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := mustParse(t, data)
			if p.APIVersion() != "v0.9.0" {
				t.Errorf("apiVersion = %s", p.APIVersion())
			}
			if err := p.Validate(); err != nil {
				t.Error(err)
			}
			for format, out := range map[string][]byte{"yaml": p.YAML(), "json": p.JSON()} {
				back, err := Parse(out)
				if err != nil {
					t.Fatalf("%s export: %v\n%s", format, err, out)
				}
				if back.APIVersion() != APIVersion {
					t.Errorf("%s export apiVersion = %s", format, back.APIVersion())
				}
				if !bytes.Equal(withoutAPIVersion(back), withoutAPIVersion(p)) {
					t.Errorf("%s export differs:\n got %s\nwant %s", format, withoutAPIVersion(back), withoutAPIVersion(p))
				}
			}
		})
	}
}

func TestCustomerAccessors(t *testing.T) {
	p := mustParse(t, examples(t)["testdata/examples/customer-data-product.odps.yaml"])
	if p.ID() != "fbe8d147-28db-4f1d-bedf-a3fe9f458427" || p.Name() != "Customer Data Product" || p.Status() != "draft" ||
		p.Domain() != "seller" || p.Tenant() != "RetailCorp" || p.Version() != "" {
		t.Errorf("header: %s %s %s %s %s %q", p.ID(), p.Name(), p.Status(), p.Domain(), p.Tenant(), p.Version())
	}
	if p.Description().Purpose != "Enterprise view of a customer." || len(p.Tags()) != 1 {
		t.Errorf("description %+v tags %v", p.Description(), p.Tags())
	}
	in := p.InputPorts()
	if len(in) != 4 || in[0].Name != "payments" || in[0].Version != "1.0.0" || in[0].ContractID != "dbb7b1eb-7628-436e-8914-2a00638ba6db" || in[3].Tags[0] != "transactions" {
		t.Errorf("input ports = %+v", in)
	}
	out := p.OutputPorts()
	if len(out) != 4 || out[1].Type != "tables" || out[1].Description != "Raw Transactions" || len(out[1].InputContracts) != 2 || out[1].InputContracts[1].Version != "1.0.0" {
		t.Errorf("output ports = %+v", out)
	}
	team := p.Team()
	if team.Name != "Data Team" || len(team.Members) != 2 || team.Members[0].Username != "john.doe@retailcorp.com" || team.Members[0].Role != "owner" || team.Members[0].DateIn != "2023-01-15" {
		t.Errorf("team = %+v", team)
	}
	if s := p.Support(); len(s) != 2 || s[0].Tool != "slack" || s[1].URL != "mailto:data-support@retailcorp.com" {
		t.Errorf("support = %+v", s)
	}
	if ts := p.Document()["productCreatedTs"]; ts != "2023-01-15T10:30:00Z" {
		t.Errorf("productCreatedTs = %#v", ts)
	}
}

func TestInvalid(t *testing.T) {
	const base = "apiVersion: v1.0.0\nkind: DataProduct\nid: p1\nstatus: active\n"
	for _, tt := range []struct {
		name, doc, path string
		line            int
		msg             string
	}{
		{"unknown key", base + "owner: ada\n", "", 5, "property 'owner' is not allowed"},
		{"missing status", strings.Replace(base, "status: active\n", "", 1), "", 1, "missing property 'status'"},
		{"wrong kind", strings.Replace(base, "DataProduct", "DataContract", 1), "kind", 2, "kind must be DataProduct, not 'DataContract'"},
		{"wrong apiVersion", strings.Replace(base, "v1.0.0", "v0.8.0", 1), "apiVersion", 1, "use one of v0.9.0, v1.0.0"},
		{"input port without contract", base + "inputPorts:\n  - name: a\n    version: 1.0.0\n", "inputPorts[0]", 6, "missing property 'contractId'"},
		{"support without url", base + "support:\n  - channel: slack\n", "support[0]", 6, "missing property 'url'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var be *bitol.Error
			if !errors.As(err, &be) || be.Kind != bitol.KindInvalid {
				t.Fatalf("err = %v", err)
			}
			p := be.Problems[0]
			if p.Path != tt.path || p.Line != tt.line || !strings.Contains(p.Message, tt.msg) {
				t.Errorf("problem = %+v, want %q line %d %q", p, tt.path, tt.line, tt.msg)
			}
		})
	}
	if _, err := Parse(bytes.Repeat([]byte("#"), MaxBytes+1)); !errors.Is(err, bitol.ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := Parse([]byte("a: [")); !errors.Is(err, bitol.ErrSyntax) {
		t.Errorf("syntax: %v", err)
	}
}

func TestBuild(t *testing.T) {
	p := Build(Builder{
		ID: "p-1", Name: "Orders", Version: "1.2.0", Domain: "checkout", Tenant: "acme",
		Description: Description{Purpose: "All orders.", Usage: "Reporting."},
		Tags:        []string{"sales"},
		Team:        &Team{Name: "checkout-team", Members: []Member{{Username: "omar", Name: "Omar Owner", Role: "owner", DateIn: "2024-01-01"}}},
		Support:     []Support{{Channel: "#checkout", URL: "https://chat.example.com/checkout", Tool: "slack"}},
		InputPorts:  []InputPort{{Name: "payments", Version: "1.0.0", ContractID: "c-pay"}},
		OutputPorts: []OutputPort{{Name: "orders", Version: "1.0.0", Type: "tables", ContractID: "c-orders", Description: "Orders table",
			InputContracts: []InputContract{{ID: "c-pay", Version: "1.0.0"}}}},
		CustomProperties: []bitol.CustomProperty{{Property: "classification", Value: "internal"}, {Property: "freshnessHours", Value: 24}},
		Created:          time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600)),
	})
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	back := mustParse(t, p.YAML())
	if back.Status() != "draft" || back.APIVersion() != "v1.0.0" || back.Team().Members[0].DateIn != "2024-01-01" ||
		back.OutputPorts()[0].ContractID != "c-orders" || back.CustomProperties()[1].Value != json1("24") {
		t.Errorf("built:\n%s", p.YAML())
	}
	if ts := back.Document()["productCreatedTs"]; ts != "2024-05-01T08:00:00Z" {
		t.Errorf("productCreatedTs = %v", ts)
	}
	if !strings.Contains(string(p.YAML()), `dateIn: "2024-01-01"`) {
		t.Errorf("the date is not quoted:\n%s", p.YAML())
	}
	// The minimal product is valid too.
	if err := Build(Builder{}).Validate(); err != nil {
		t.Error(err)
	}
	if err := Build(Builder{InputPorts: []InputPort{{}}, OutputPorts: []OutputPort{{}}, Support: []Support{{}}, Team: &Team{Members: []Member{{}}}}).Validate(); err != nil {
		t.Error(err)
	}
}

func json1(s string) json.Number { return json.Number(s) }
