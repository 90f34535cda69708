package models_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestAssetLineageFollowsCrawls(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		s = withSources(t, s)
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		other, err := s.CreateSource(ctx, admin, sourceInput("sales", "Other DB", "postgres://x@127.0.0.1/other"))
		mustOK(t, err, "other source")

		table := func(name string) models.ObservedAsset {
			return models.ObservedAsset{Schema: "public", Name: name, Kind: models.AssetTable}
		}
		view := func(name string, deps ...string) models.ObservedAsset {
			return models.ObservedAsset{Schema: "public", Name: name, Kind: models.AssetView, DependsOn: deps}
		}
		snap := func(obs ...models.ObservedAsset) models.CrawlSnapshot {
			return models.CrawlSnapshot{ServerVersion: "PostgreSQL 15", Assets: obs}
		}
		// Products: one whose port is the view, two whose ports are the
		// tables it reads, and one on the other source with the same key.
		ports := map[string]string{"Lines": "public.order_lines", "Orders": "public.orders", "Customers": "public.customers"}
		products := map[string]uint{}
		for _, name := range []string{"Lines", "Orders", "Customers"} {
			in := productInput("sales", name)
			in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: ports[name], Source: src.Slug}}
			p, err := s.CreateProduct(ctx, admin, in)
			mustOK(t, err, "product "+name)
			products[name] = p.ID
		}
		in := productInput("sales", "Elsewhere")
		in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: "public.orders", Source: other.Slug}}
		_, err = s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "product Elsewhere")

		// First crawl: the view reads both tables (and names one not
		// crawled, and itself, both dropped); a view over the view.
		crawlOnce(t, s, src, snap(table("orders"), table("customers"),
			view("order_lines", "public.customers", "public.orders", "public.not_crawled", "public.order_lines"),
			view("big_lines", "public.order_lines")))
		crawlOnce(t, s, other, snap(table("orders"), view("order_lines", "public.orders")))
		id := func(key string) uint { return assetByKey(t, s, src.ID, key).ID }
		orders, customers, lines, big := id("public.orders"), id("public.customers"), id("public.order_lines"), id("public.big_lines")

		reads, readBy, err := s.AssetLineage(ctx, []uint{lines, orders, customers, big, lines, 999999})
		mustOK(t, err, "lineage")
		sorted := func(ids ...uint) []uint { slices.Sort(ids); return ids }
		wantReads := map[uint][]uint{lines: sorted(orders, customers), big: {lines}}
		wantReadBy := map[uint][]uint{orders: {lines}, customers: {lines}, lines: {big}}
		if !reflect.DeepEqual(reads, wantReads) || !reflect.DeepEqual(readBy, wantReadBy) {
			t.Errorf("after the first crawl:\nreads %v, want %v\nread by %v, want %v", reads, wantReads, readBy, wantReadBy)
		}
		// Only the asked ids are keys.
		reads, readBy, err = s.AssetLineage(ctx, []uint{orders})
		mustOK(t, err, "lineage of one")
		if len(reads) != 0 || !reflect.DeepEqual(readBy, map[uint][]uint{orders: {lines}}) {
			t.Errorf("lineage of orders alone: reads %v, read by %v", reads, readBy)
		}
		if n := countRows(t, s, "asset_edges"); n != 4 {
			t.Errorf("%d edges stored, want 4 (3 of this source, 1 of the other)", n)
		}

		edges, err := s.ProductAssetEdges(ctx)
		mustOK(t, err, "product edges")
		want := []models.ProductEdge{
			{From: products["Lines"], To: products["Orders"], Via: models.ProductEdgeViaView},
			{From: products["Lines"], To: products["Customers"], Via: models.ProductEdgeViaView},
		}
		if products["Customers"] < products["Orders"] {
			want[0], want[1] = want[1], want[0]
		}
		if !reflect.DeepEqual(edges, want) {
			t.Errorf("product edges %+v, want %+v", edges, want)
		}

		// Second crawl: the view now reads orders only, the view over it is
		// gone; the source's edges are replaced.
		crawlOnce(t, s, src, snap(table("orders"), table("customers"), view("order_lines", "public.orders")))
		reads, readBy, err = s.AssetLineage(ctx, []uint{lines, orders, customers, big})
		mustOK(t, err, "lineage after the second crawl")
		if !reflect.DeepEqual(reads, map[uint][]uint{lines: {orders}}) || !reflect.DeepEqual(readBy, map[uint][]uint{orders: {lines}}) {
			t.Errorf("after the second crawl: reads %v, read by %v", reads, readBy)
		}
		edges, err = s.ProductAssetEdges(ctx)
		mustOK(t, err, "product edges after the second crawl")
		if want := []models.ProductEdge{{From: products["Lines"], To: products["Orders"], Via: "view"}}; !reflect.DeepEqual(edges, want) {
			t.Errorf("product edges after the second crawl %+v, want %+v", edges, want)
		}

		// The same again writes nothing and keeps the edge.
		crawlOnce(t, s, src, snap(table("orders"), table("customers"), view("order_lines", "public.orders")))
		if n := countRows(t, s, "asset_edges"); n != 2 {
			t.Errorf("%d edges after an unchanged crawl, want 2", n)
		}

		// A crawl where the table is missing drops the edge to it.
		crawlOnce(t, s, src, snap(table("customers"), view("order_lines", "public.orders")))
		if reads, _, _ := s.AssetLineage(ctx, []uint{lines}); len(reads) != 0 {
			t.Errorf("a view still reads a table gone from the crawl: %v", reads)
		}

		// Deleting the source deletes its edges, not the other source's.
		crawlOnce(t, s, src, snap(table("orders"), view("order_lines", "public.orders")))
		mustOK(t, s.DeleteSource(ctx, admin, src.Slug), "delete source")
		var left []models.AssetEdge
		mustOK(t, s.DB().Find(&left).Error, "edges left")
		if len(left) != 1 || left[0].SourceID != other.ID {
			t.Errorf("edges left after deleting the source: %+v, want the other source's one", left)
		}
		if edges, err := s.ProductAssetEdges(ctx); err != nil || len(edges) != 0 {
			t.Errorf("product edges after deleting the source: %+v, %v", edges, err)
		}
	})
}

func TestAssetEdgeMatchesMigration(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		m := s.DB().Migrator()
		if !m.HasTable("asset_edges") {
			t.Fatal("asset_edges is missing after migration")
		}
		model := &models.AssetEdge{}
		stmt := s.DB().Model(model).Statement
		if err := stmt.Parse(model); err != nil {
			t.Fatal(err)
		}
		for _, field := range stmt.Schema.Fields {
			if field.DBName != "" && !m.HasColumn(model, field.DBName) {
				t.Errorf("asset_edges.%s is not in the migrated schema", field.DBName)
			}
		}
		if !m.HasIndex(model, "idx_asset_edges_to") || !m.HasIndex(model, "idx_asset_edges_source") {
			t.Error("asset_edges lacks its indexes")
		}
		if reads, readBy, err := s.AssetLineage(ctx, nil); err != nil || len(reads)+len(readBy) != 0 {
			t.Errorf("lineage of no assets: %v %v %v", reads, readBy, err)
		}
	})
}
