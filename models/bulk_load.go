package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ReadsDays is how many days of daily read counts an asset keeps
// (Asset.ReadsDaily): 30 for the chart and 30 before them for the trend.
const ReadsDays = readsDays

// BulkLoad writes generated rows as they are, in one transaction, without
// validation, permission checks or audit entries: it is for load tests and
// demo data (package models/seed), never for what people type. The catalog
// and findings versions move with it, so every replica's caches reload.
type BulkLoad struct {
	ctx context.Context
	tx  *gorm.DB
	s   *Store
	// sources says a source was added, for SourcesChanged after the commit.
	sources bool
}

// Load runs fn as one bulk load; nothing of it stays when fn fails.
func (s *Store) Load(ctx context.Context, fn func(*BulkLoad) error) error {
	b := &BulkLoad{ctx: ctx, s: s}
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		b.tx = tx.WithContext(ctx)
		if err := fn(b); err != nil {
			return err
		}
		if err := reindexIn(tx, s.now()); err != nil { // bulk rows skip the writes that index
			return err
		}
		return touchFindings(tx) // the findings filter lists the sources
	})
	if err != nil {
		return internal("bulk load", err)
	}
	if b.sources {
		s.sourceWritten()
	}
	return nil
}

// Domains are the stored domains (id, slug, owners), by id.
func (b *BulkLoad) Domains() ([]Domain, error) {
	var domains []Domain
	err := b.tx.Select("id", "slug", "name", "owners").Order("id").Find(&domains).Error
	return domains, err
}

// SourceCount is how many sources are stored.
func (b *BulkLoad) SourceCount() (int, error) {
	var n int64
	err := b.tx.Model(&Source{}).Count(&n).Error
	return int(n), err
}

// AddDomains inserts domains, setting their ids.
func (b *BulkLoad) AddDomains(domains []Domain) error {
	return b.tx.CreateInBatches(domains, 500).Error
}

// AddProducts inserts products, each of in into the domain domainIDs names
// at the same index; their ports are not written.
func (b *BulkLoad) AddProducts(domainIDs []uint, in []ProductInput) error {
	batch := make([]Product, 0, 500)
	for i := range in {
		p := Product{DomainID: domainIDs[i]}
		p.apply(in[i])
		p.Domain, p.OutputPorts = nil, nil
		batch = append(batch, p)
		if len(batch) == cap(batch) || i == len(in)-1 {
			if err := b.tx.Omit("Domain", "OutputPorts").CreateInBatches(batch, 500).Error; err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// AddSource registers a source of domainID with its connection sealed
// (the store needs Options.Sealer) and, when finished is set, one
// succeeded crawl run from started to finished.
func (b *BulkLoad) AddSource(domainID uint, in SourceInput, started, finished time.Time) (*Source, error) {
	if b.s.sources.sealer == nil {
		return nil, Errorf(EUNAVAILABLE, "Sources cannot be stored: the portal has no secret key to encrypt them.")
	}
	src := &Source{DomainID: domainID}
	src.apply(in)
	enabled := src.Enabled
	src.DSNSealed = "pending" // sealed below, bound to the new row's id
	if err := b.tx.Omit("Domain").Create(src).Error; err != nil {
		return nil, err
	}
	// GORM leaves a false Enabled out of the insert (the column defaults
	// to true, which it reads back), so it is written here with the sealed
	// DSN.
	src.DSNSealed, src.Enabled = b.s.sources.sealer.Seal(in.DSN, sourceAAD(src.ID)), enabled
	if err := b.tx.Model(src).Updates(map[string]any{"dsn_sealed": src.DSNSealed, "enabled": enabled}).Error; err != nil {
		return nil, err
	}
	b.sources = true
	if !finished.IsZero() {
		run := CrawlRun{SourceID: src.ID, Trigger: TriggerSchedule, StartedAt: started, FinishedAt: &finished,
			HeartbeatAt: finished, Status: RunSucceeded, Actor: "seed"}
		if err := b.tx.Omit("Source").Create(&run).Error; err != nil {
			return nil, err
		}
	}
	return src, nil
}

// ProductsWithoutPorts lists the ids of products that have no output port.
func (b *BulkLoad) ProductsWithoutPorts() ([]uint, error) {
	var ids []uint
	err := b.tx.Table("products p").Where("NOT EXISTS (SELECT 1 FROM output_ports op WHERE op.product_id = p.id)").
		Order("p.id").Pluck("p.id", &ids).Error
	return ids, err
}

// AddAssets inserts assets as if crawled, 40 rows of placeholders per
// statement. For rows this wide that is about twice as fast on SQLite as
// bulkWriter's JSON batches (json_each renders each row's object again for
// every column extracted), and no slower on PostgreSQL.
func (b *BulkLoad) AddAssets(assets []Asset) error {
	cols := assetColumns[1:] // all but id: the database numbers them
	const batch = 40
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < len(assets); start += batch {
		part := assets[start:min(start+batch, len(assets))]
		args := make([]any, 0, len(part)*len(cols))
		tuples := make([]string, len(part))
		for i := range part {
			a := &part[i]
			tuples[i] = tuple
			args = append(args, a.SourceID, a.Key, a.Schema, a.Name, a.Kind, a.Parent, a.Columns, a.FirstSeenAt, a.LastSeenAt,
				a.GoneAt, a.SizeBytes, a.RowEstimate, a.FileCount, a.LastChangeAt, a.LastChangeHow, a.UsageKnown, a.ReadsPerDay,
				a.LastReadAt, a.LastReadHow, a.CountersEpoch, a.Writes, a.ReadCount, a.ReadsDaily, a.UsageSince)
		}
		q := "INSERT INTO assets (" + strings.Join(quoted, ", ") + ") VALUES " + strings.Join(tuples, ", ")
		if err := b.tx.Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// AddPorts inserts output ports (ProductID, Position, Name, Type, Location,
// SourceID) and refreshes the health of their products.
func (b *BulkLoad) AddPorts(ports []OutputPort) error {
	rows := make([][]any, 0, len(ports))
	products := make([]uint, 0, len(ports))
	for _, p := range ports {
		rows = append(rows, []any{p.ProductID, p.Position, p.Name, p.Type, p.Location, p.SourceID})
		products = append(products, p.ProductID)
	}
	w := newBulkWriter(b.tx, "output_ports", []string{"product_id", "position", "name", "type", "location", "source_id"}, "")
	if err := w.write(b.ctx, b.tx, rows); err != nil {
		return err
	}
	now := b.s.now()
	for start := 0; start < len(products); start += 500 {
		if _, err := refreshHealth(b.tx, products[start:min(start+500, len(products))], now); err != nil {
			return err
		}
	}
	return nil
}

// ColumnsJSON is how an asset stores its columns (Asset.Columns).
func ColumnsJSON(cols []Column) string { return columnsJSON(cols) }

// ReadsDailyJSON is how an asset stores its daily read counts
// (Asset.ReadsDaily), by day "2006-01-02".
func ReadsDailyJSON(daily map[string]int64) string {
	if len(daily) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(daily) // a map of strings to numbers always marshals
	return string(b)
}

// HealthDaysOn are the totals recorded for day ("2006-01-02"), the
// portal's (DomainID 0) and each domain's.
func (s *Store) HealthDaysOn(ctx context.Context, day string) ([]HealthDay, error) {
	var days []HealthDay
	err := s.db.WithContext(ctx).Where("day = ?", day).Find(&days).Error
	return days, internal("health days", err)
}

// LoadHealthDays writes made-up daily totals (load tests and demo trends),
// replacing those of the same day and domain.
func (s *Store) LoadHealthDays(ctx context.Context, days []HealthDay) error {
	rows := make([][]any, 0, len(days))
	for _, t := range days {
		rows = append(rows, []any{t.Day, t.DomainID, t.Products, t.Stale, t.Unused, t.DarkAssets, t.DarkBytes, t.DarkCost,
			t.UnknownAssets, t.UnknownBytes})
	}
	db := s.db.WithContext(ctx)
	w := newBulkWriter(db, "health_days", healthDayColumns, "ON CONFLICT (day, domain_id) DO UPDATE SET "+excludedUpdates(healthDayColumns))
	return internal("load health days", w.write(ctx, db, rows))
}
