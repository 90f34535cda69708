package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/meshport/meshport/models"
)

// Bulk adds nDomains domains and nProducts products spread over them, for
// load tests, in one bulk load without audit entries. The random seed is
// fixed, so benchmarks are repeatable.
func Bulk(ctx context.Context, s *models.Store, nDomains, nProducts int) error {
	if nDomains < 1 || nProducts < 0 {
		return models.Errorf(models.EINVALID, "Seed at least one domain and zero or more products.")
	}
	words := strings.Fields("orders payments customers shipments invoices returns stock clicks sessions campaigns refunds reviews carts prices suppliers contracts tickets leads churn forecasts")
	rng := rand.New(rand.NewPCG(1, 2))
	return s.Load(ctx, func(b *models.BulkLoad) error {
		existing, err := b.Domains()
		if err != nil {
			return err
		}
		domains := make([]models.Domain, nDomains)
		for i := range domains {
			n := len(existing) + i + 1
			domains[i] = models.Domain{Slug: fmt.Sprintf("domain-%d", n), Name: fmt.Sprintf("Domain %d", n),
				Description: "Seeded domain", Owners: models.StringList{fmt.Sprintf("team-%d", n)}, Status: models.DomainActive}
		}
		if err := b.AddDomains(domains); err != nil {
			return err
		}
		ids := make([]uint, nProducts)
		products := make([]models.ProductInput, nProducts)
		for i := range products {
			d := domains[i%nDomains]
			w := words[rng.IntN(len(words))]
			ids[i] = d.ID
			products[i] = models.ProductInput{
				Name: fmt.Sprintf("%s %d", strings.ToUpper(w[:1])+w[1:], i+1), Slug: fmt.Sprintf("%s-%d", w, i+1),
				Owner: d.Owners[0], Description: "Seeded " + w + " data for load tests.",
				Status: models.Statuses()[rng.IntN(3)], Classification: models.Classifications()[rng.IntN(4)],
				Tags: []string{w}, FreshnessSLA: "24h",
			}
		}
		return b.AddProducts(ids, products)
	})
}
