package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/meshport/meshport/models"
)

// AssetsResult says what Assets wrote.
type AssetsResult struct {
	Sources, Assets, Ports int
	// Findings is how many findings the evaluation opened; Totals are the
	// portal's open findings afterwards.
	Findings int
	Totals   models.FindingTotals
}

// seededAsset is what linking ports and writing rows need of a generated
// asset.
type seededAsset struct {
	models.Asset
	usage int // seedRecent, seedEarlier, seedUnread, seedUnknown
	owned bool
}

const (
	seedRecent  = iota // read in the last week
	seedEarlier        // last read 8 to 89 days ago
	seedUnread         // not read for over 90 days, or never
	seedUnknown        // the source counts no reads for it
)

// Assets adds, for load tests of the findings, nSources PostgreSQL
// sources spread over the existing domains and nAssets assets spread over
// them, as if crawled: sizes from kilobytes to hundreds of gigabytes, reads
// known for most (some read this week, some not for over 90 days), a few
// with usage unknown, views, partitioned tables with their partitions and
// some dropped tables. Each product without ports gets, nine times out of
// ten, one port on an asset, and its health is refreshed. The sources are
// disabled and point at a loopback port where nothing listens, so nothing
// ever crawls them. Then every finding is evaluated and 90 days of health
// totals are written for the trend charts (the earlier days made up from
// today's). Rows go in as bulk writes without audit entries; the random
// seed is fixed, so a seed of the same empty database is repeatable.
func Assets(ctx context.Context, s *models.Store, nSources, nAssets int) (AssetsResult, error) {
	var res AssetsResult
	if nSources < 1 || nAssets < 0 {
		return res, models.Errorf(models.EINVALID, "Seed at least one source and zero or more assets.")
	}
	rng := rand.New(rand.NewPCG(3, 4)) // fixed seed: repeatable benchmarks
	now := s.Now().UTC()
	err := s.Load(ctx, func(b *models.BulkLoad) error {
		domains, err := b.Domains()
		if err != nil {
			return err
		}
		if len(domains) == 0 {
			return models.Errorf(models.EINVALID, "Seed domains first: sources belong to a domain.")
		}
		sources, crawled, err := addSources(b, domains, nSources, now, rng)
		if err != nil {
			return err
		}
		res.Sources = len(sources)
		products, err := b.ProductsWithoutPorts()
		if err != nil {
			return err
		}
		assets := generateAssets(sources, crawled, nAssets, now, rng)
		ports := linkPorts(assets, len(products), rng)
		for i := range assets {
			fillReads(&assets[i], now, rng)
		}
		rows := make([]models.Asset, len(assets))
		for i := range assets {
			rows[i] = assets[i].Asset
		}
		if err := b.AddAssets(rows); err != nil {
			return err
		}
		res.Assets = len(assets)
		var linked []models.OutputPort
		for i, a := range ports {
			if a == nil {
				continue
			}
			typ := "table"
			if a.Kind == string(models.AssetMaterializedView) {
				typ = "view"
			}
			sourceID := a.SourceID
			linked = append(linked, models.OutputPort{ProductID: products[i], Position: 0, Name: "main", Type: typ,
				Location: a.Key, SourceID: &sourceID})
		}
		res.Ports = len(linked)
		return b.AddPorts(linked)
	})
	if err != nil {
		return res, err
	}
	if res.Findings, err = s.EvaluateFindings(ctx); err != nil {
		return res, err
	}
	if err := healthHistory(ctx, s, now, rng); err != nil {
		return res, err
	}
	res.Totals, err = s.FindingTotalsOf(ctx, 0)
	return res, err
}

// addSources registers nSources disabled PostgreSQL sources round the
// domains, each with a sealed DSN and one finished crawl, and returns them
// with the time of that crawl.
func addSources(b *models.BulkLoad, domains []models.Domain, nSources int, now time.Time, rng *rand.Rand) ([]models.Source, []time.Time, error) {
	existing, err := b.SourceCount()
	if err != nil {
		return nil, nil, err
	}
	sources := make([]models.Source, nSources)
	crawled := make([]time.Time, nSources)
	for i := range sources {
		n := existing + i + 1
		d := domains[i%len(domains)]
		// Port 1 on loopback: nothing listens there, and the source is
		// disabled, so no crawl ever tries.
		dsn := fmt.Sprintf("postgres://crawler@127.0.0.1:1/warehouse_%d?sslmode=disable", n)
		// Each source was last crawled within the last 20 hours.
		at := now.Add(-time.Duration(1+rng.IntN(20*60)) * time.Minute)
		finished := at.Add(time.Duration(5+rng.IntN(90)) * time.Second)
		src, err := b.AddSource(d.ID, models.SourceInput{Slug: fmt.Sprintf("seeded-warehouse-%d", n), Name: fmt.Sprintf("Seeded warehouse %d", n),
			Kind: string(models.KindPostgres), DSN: dsn, Schedule: "0 2 * * *", TimeZone: "UTC", Enabled: new(bool)}, at, finished)
		if err != nil {
			return nil, nil, err
		}
		sources[i], crawled[i] = *src, finished
	}
	return sources, crawled, nil
}

var seedSchemas = []string{"raw", "staging", "analytics", "mart", "archive", "sandbox", "export", "tmp"}

var seedWords = []string{"orders", "payments", "customers", "shipments", "invoices", "returns", "stock", "clicks",
	"sessions", "campaigns", "refunds", "reviews", "carts", "prices", "suppliers", "contracts", "tickets", "leads",
	"churn", "forecasts", "events", "ledger", "inventory", "audit"}

// generateAssets spreads nAssets assets over the sources.
func generateAssets(sources []models.Source, crawls []time.Time, nAssets int, now time.Time, rng *rand.Rand) []seededAsset {
	columns := models.ColumnsJSON([]models.Column{{Name: "id", Type: "bigint"}, {Name: "created_at", Type: "timestamp with time zone"},
		{Name: "payload", Type: "jsonb"}})
	day := 24 * time.Hour
	between := func(from, to time.Duration) time.Duration { return from + time.Duration(rng.Int64N(int64(to-from)+1)) }
	// Sizes: log-normal from 10 KB to 500 GB with a median of 5 MB; about
	// 6 % over 1 GB, 1 % over 10 GB, 0.2 % over 100 GB.
	size := func() int64 { return int64(math.Pow(10, min(max(6.7+1.5*rng.NormFloat64(), 4), 11.7))) }
	out := make([]seededAsset, 0, nAssets)
	for si := range sources {
		src := &sources[si]
		crawled := crawls[si]
		want := nAssets / len(sources)
		if si < nAssets%len(sources) {
			want++
		}
		seq := 0
		add := func(schema, name string, kind models.AssetKind, parent string) *seededAsset {
			out = append(out, seededAsset{Asset: models.Asset{SourceID: src.ID, Key: schema + "." + name, Schema: schema, Name: name,
				Kind: string(kind), Parent: parent, Columns: columns, LastSeenAt: crawled, ReadsDaily: "{}"}})
			return &out[len(out)-1]
		}
		for made := 0; made < want; {
			seq++
			schema := seedSchemas[rng.IntN(len(seedSchemas))]
			name := fmt.Sprintf("%s_%d", seedWords[rng.IntN(len(seedWords))], seq)
			r := rng.Float64()
			firstSeen := now.Add(-between(day, 420*day))
			switch {
			case r < 0.008 && want-made >= 13: // a partitioned table and 12 monthly partitions
				parent := add(schema, name, models.AssetPartitionedTable, "")
				parent.SizeBytes, parent.FirstSeenAt = new(int64), firstSeen
				base := size() / 4
				for m := range 12 {
					p := add(schema, fmt.Sprintf("%s_p%02d", name, m+1), models.AssetPartition, schema+"."+name)
					p.SizeBytes = ptr(base/2 + rng.Int64N(base+1))
					p.FirstSeenAt = firstSeen.Add(time.Duration(m) * 30 * day)
					if p.FirstSeenAt.After(crawled) {
						p.FirstSeenAt = crawled.Add(-day)
					}
				}
				made += 13
				continue
			case r < 0.08:
				a := add(schema, name+"_v", models.AssetView, "")
				a.FirstSeenAt = firstSeen
			case r < 0.10:
				a := add(schema, name+"_mv", models.AssetMaterializedView, "")
				a.SizeBytes, a.FirstSeenAt = ptr(size()), firstSeen
			default:
				a := add(schema, name, models.AssetTable, "")
				a.SizeBytes, a.FirstSeenAt = ptr(size()), firstSeen
			}
			made++
		}
	}
	for i := range out {
		a := &out[i]
		if a.SizeBytes != nil {
			a.RowEstimate = ptr(*a.SizeBytes / 120)
		}
		crawled := a.LastSeenAt
		age := now.Sub(a.FirstSeenAt)
		if a.Kind == string(models.AssetTable) && rng.IntN(100) == 0 && age > 3*day { // dropped since
			gone := now.Add(-between(day, min(30*day, age-day)))
			a.GoneAt, a.LastSeenAt = &gone, gone.Add(-day)
			crawled = a.LastSeenAt
		}
		if a.Kind != string(models.AssetView) {
			var changed time.Time
			switch r := rng.Float64(); {
			case r < 0.70:
				changed = crawled.Add(-between(0, 20*time.Hour))
			case r < 0.90:
				changed = now.Add(-between(day, 30*day))
			default:
				changed = now.Add(-between(30*day, 420*day))
			}
			if changed.Before(a.FirstSeenAt) {
				changed = a.FirstSeenAt
			}
			a.LastChangeAt, a.LastChangeHow = timePtr(changed), models.MeasuredCounters
		}
		switch r := rng.Float64(); {
		case r < 0.08:
			a.usage = seedUnknown
		case r < 0.55:
			a.usage = seedRecent
		case r < 0.75:
			a.usage = seedEarlier
		default:
			a.usage = seedUnread
		}
	}
	return out
}

// linkPorts picks an asset for the port of each of n products (nil: the
// product gets none): nine products in ten get one, mostly on assets that
// are read.
func linkPorts(assets []seededAsset, n int, rng *rand.Rand) []*seededAsset {
	var read, other []*seededAsset
	for i := range assets {
		a := &assets[i]
		if a.GoneAt != nil || a.Kind == string(models.AssetView) || a.Kind == string(models.AssetPartition) {
			continue
		}
		if a.usage == seedRecent || a.usage == seedEarlier {
			read = append(read, a)
		} else {
			other = append(other, a)
		}
	}
	rng.Shuffle(len(read), func(i, j int) { read[i], read[j] = read[j], read[i] })
	rng.Shuffle(len(other), func(i, j int) { other[i], other[j] = other[j], other[i] })
	pop := func(pool *[]*seededAsset) *seededAsset {
		if len(*pool) == 0 {
			return nil
		}
		a := (*pool)[len(*pool)-1]
		*pool = (*pool)[:len(*pool)-1]
		return a
	}
	out := make([]*seededAsset, n)
	for i := range out {
		if rng.IntN(10) == 0 {
			continue
		}
		pool, second := &read, &other
		if rng.IntN(5) == 0 {
			pool, second = &other, &read
		}
		a := pop(pool)
		if a == nil {
			a = pop(second)
		}
		if a == nil {
			break // more products than assets
		}
		a.owned = true
		out[i] = a
	}
	return out
}

// fillReads sets an asset's read figures for its usage class. Reads are
// counted since the asset was first seen; owned assets get a count for
// every day of the last 60 (their products' charts show them), others one
// every fifth day.
func fillReads(a *seededAsset, now time.Time, rng *rand.Rand) {
	if a.usage == seedUnknown {
		return
	}
	day := 24 * time.Hour
	a.UsageKnown, a.UsageSince = true, timePtr(a.FirstSeenAt)
	age := now.Sub(a.FirstSeenAt)
	var last *time.Time
	daily := map[string]int64{}
	switch a.usage {
	case seedRecent:
		t := a.LastSeenAt.Add(-time.Duration(rng.Int64N(int64(7 * day))))
		if t.Before(a.FirstSeenAt) {
			t = a.LastSeenAt
		}
		last = &t
		rate := math.Pow(10, -1+4.5*rng.Float64()) // 0.1 to 3,000 reads a day
		step := 5
		if a.owned {
			step = 1
		}
		for d := 0; d < models.ReadsDays; d += step {
			at := t.Add(-time.Duration(d) * day)
			if at.Before(a.FirstSeenAt) {
				break
			}
			if n := int64(rate * float64(step) * (0.5 + rng.Float64())); n > 0 || d == 0 {
				daily[at.UTC().Format(time.DateOnly)] = max(n, 1)
			}
		}
	case seedEarlier:
		t := now.Add(-time.Duration(8*int64(day) + rng.Int64N(int64(81*day))))
		if t.Before(a.FirstSeenAt) {
			t = a.FirstSeenAt.Add(time.Hour)
		}
		last = &t
		if now.Sub(t) < models.ReadsDays*day {
			daily[t.UTC().Format(time.DateOnly)] = 1 + rng.Int64N(20)
		}
	case seedUnread:
		if age > 91*day && rng.IntN(2) == 0 {
			t := now.Add(-time.Duration(91*int64(day) + rng.Int64N(int64(age-91*day))))
			last = &t
		}
	}
	if last != nil {
		a.LastReadAt, a.LastReadHow = timePtr(*last), models.MeasuredReadCounters
	}
	a.ReadsDaily = models.ReadsDailyJSON(daily)
	// Reads per day as addReads derives them: the last 30 days over the
	// time counted, at most 30 days, at least one.
	from := now.UTC().AddDate(0, 0, -29).Format(time.DateOnly)
	var total int64
	for d, n := range daily {
		if d >= from {
			total += n
		}
	}
	days := max(min(age.Hours()/24, 30), 1)
	rate := float64(total) / days
	a.ReadsPerDay = &rate
}

// healthHistory writes today's health totals and makes up the 89 days
// before from them: dark data grew by about a third over the quarter, the
// rest wanders a little.
func healthHistory(ctx context.Context, s *models.Store, now time.Time, rng *rand.Rand) error {
	if err := s.RecordHealthDay(ctx); err != nil {
		return err
	}
	today, err := s.HealthDaysOn(ctx, now.Format(time.DateOnly))
	if err != nil {
		return err
	}
	days := make([]models.HealthDay, 0, 89*len(today))
	for back := 89; back >= 1; back-- {
		day := now.AddDate(0, 0, -back).Format(time.DateOnly)
		growth := 1 - 0.33*float64(back)/89
		for _, t := range today {
			wobble := func(v float64) float64 { return v * growth * (0.97 + 0.06*rng.Float64()) }
			share := 0.8 + 0.4*rng.Float64()
			days = append(days, models.HealthDay{Day: day, DomainID: t.DomainID, Products: t.Products,
				Stale: int(float64(t.Stale) * share), Unused: int(float64(t.Unused) * share),
				DarkAssets: int(wobble(float64(t.DarkAssets))), DarkBytes: int64(wobble(float64(t.DarkBytes))), DarkCost: wobble(t.DarkCost),
				UnknownAssets: int(wobble(float64(t.UnknownAssets))), UnknownBytes: int64(wobble(float64(t.UnknownBytes)))})
		}
	}
	return s.LoadHealthDays(ctx, days)
}

func ptr[T any](v T) *T              { return &v }
func timePtr(t time.Time) *time.Time { t = t.UTC(); return &t }
