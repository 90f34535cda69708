package models_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// BenchmarkContractDrift1000 is the drift part of the evaluation after a
// crawl (the issue allows 1 s): a source of 10,000 tables, 5,000 products
// with a port there, 1,000 of them with a contract of 20 properties (two
// the table has, 18 it lacks, so each contract drifts). "without" is the
// same evaluation before the contracts were added; "open" opens the
// 1,000 drift findings; "unchanged" finds them as they were.
func BenchmarkContractDrift1000(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			s, _, src := crawledSource10k(b, dialect)
			evaluate := func(b *testing.B) {
				if _, err := s.EvaluateSourceFindings(ctx, src.ID); err != nil {
					b.Fatal(err)
				}
			}
			evaluate(b)
			b.Run("without", func(b *testing.B) {
				for b.Loop() {
					evaluate(b)
				}
			})
			addContracts(b, s, 1000)
			b.Run("open", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if err := s.DB().Exec("DELETE FROM findings WHERE kind = ?", models.FindingContractDrift).Error; err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					evaluate(b)
				}
				var n int64
				s.DB().Table("findings").Where("kind = ? AND status = ?", models.FindingContractDrift, models.FindingOpen).Count(&n)
				if n != 1000 {
					b.Fatalf("%d drift findings, want 1,000", n)
				}
			})
			b.Run("unchanged", func(b *testing.B) {
				for b.Loop() {
					evaluate(b)
				}
			})
		})
	}
}

// addContracts gives the first n products with a port a contract of 20
// properties, written directly: drift reads only what the store keeps for
// it.
func addContracts(b *testing.B, s *models.Store, n int) {
	b.Helper()
	var ids []uint
	if err := s.DB().Table("output_ports").Order("product_id").Limit(n).Pluck("product_id", &ids).Error; err != nil {
		b.Fatal(err)
	}
	props := []models.ExpectProperty{{Name: "id", LogicalType: "integer", PhysicalType: "integer", Required: true}, {Name: "v", LogicalType: "string"}}
	for i := range 18 {
		props = append(props, models.ExpectProperty{Name: fmt.Sprintf("extra_%d", i), LogicalType: "string", PhysicalType: "text"})
	}
	now := time.Now().UTC()
	rows := make([]models.Contract, len(ids))
	for i, id := range ids {
		expect, _ := json.Marshal([]models.ContractExpect{{Name: fmt.Sprintf("t%d", 2*i), Properties: props}})
		rows[i] = models.Contract{ProductID: id, PortName: "main", DocumentID: fmt.Sprint(id), Version: "1.0.0", Status: "active",
			Document: "{}", Expect: string(expect), CreatedAt: now, UpdatedAt: now}
	}
	if err := s.DB().CreateInBatches(rows, 200).Error; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkImportAdventureWorks imports the largest official example (the
// AdventureWorks contract, about 190 KB; the issue allows 100 ms): parse,
// validate against the ODCS schema and save as a port's first version.
func BenchmarkImportAdventureWorks(b *testing.B) {
	data, err := os.ReadFile("odcs/testdata/examples/all/postgresql-adventureworks-contract.odcs.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var s *models.Store
			if dialect == "sqlite" {
				s = storetest.SQLite(b)
			} else {
				s = storetest.Postgres(b)
			}
			if _, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Sales", Owners: []string{"sales@example.com"}}); err != nil {
				b.Fatal(err)
			}
			in := productInput("sales", "Adventure works")
			in.OutputPorts = nil
			for i := range 20 {
				in.OutputPorts = append(in.OutputPorts, models.PortInput{Name: fmt.Sprintf("p%d", i), Type: "api", Location: fmt.Sprintf("https://example.com/%d", i)})
			}
			if _, err := s.CreateProduct(ctx, admin, in); err != nil {
				b.Fatal(err)
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				if i%20 == 0 {
					if err := s.DB().Exec("DELETE FROM contracts").Error; err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				doc, err := models.ParseContract(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.SaveContract(ctx, admin, "sales", "adventure-works", fmt.Sprintf("p%d", i%20), doc); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
