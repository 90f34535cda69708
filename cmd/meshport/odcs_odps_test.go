package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/models/odps"
)

// TestOfficialODCSExamplesThroughTheAPI puts every official ODCS example
// on a port of its own and reads it back: each is accepted, the export
// validates against the v3.1.0 schema and says what the example said
// (apiVersion aside), on SQLite and PostgreSQL.
func TestOfficialODCSExamplesThroughTheAPI(t *testing.T) {
	t.Parallel()
	examples, err := filepath.Glob("../../models/odcs/testdata/examples/*/*.odcs.yaml")
	if err != nil || len(examples) < 18 {
		t.Fatalf("examples: %d %v", len(examples), err)
	}
	onEachPoliciesDatabase(t, func(t *testing.T, app *testApp, _ string) {
		var ports []models.PortInput
		for i := range examples {
			ports = append(ports, models.PortInput{Name: fmt.Sprintf("p%d", i), Type: "api", Location: "https://example.com/p" + fmt.Sprint(i)})
		}
		_, err := app.Store.CreateProduct(context.Background(), storeAdmin, models.ProductInput{Name: "Examples", Domain: "checkout",
			Owner: "omar@example.com", Status: models.StatusDraft, Classification: models.ClassInternal, OutputPorts: ports})
		if err != nil {
			t.Fatal(err)
		}
		omar := app.apiAs(t, "omar@example.com", "")
		for i, path := range examples {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			api := fmt.Sprintf("/api/v1/products/checkout/examples/ports/p%d/contract", i)
			if status, body := omar.send(http.MethodPut, api, "application/yaml", string(data)); status != http.StatusCreated {
				t.Errorf("%s: %d %.500s", filepath.Base(path), status, body)
				continue
			}
			_, exported := omar.send(http.MethodGet, api, "", "")
			doc, err := odcs.Parse([]byte(exported))
			if err != nil {
				t.Errorf("%s: the export does not validate: %v", filepath.Base(path), err)
				continue
			}
			orig, _ := odcs.Parse(data)
			if a, b := withoutAPIVersion(t, orig.JSON()), withoutAPIVersion(t, doc.JSON()); a != b {
				t.Errorf("%s: the export differs from the import", filepath.Base(path))
			}
			_, asJSON := omar.send(http.MethodGet, api+"?format=json", "", "")
			if _, err := odcs.Parse([]byte(asJSON)); err != nil {
				t.Errorf("%s: the JSON export does not validate: %v", filepath.Base(path), err)
			}
		}
	})
}

var storeAdmin = models.Principal{Name: "test", Admin: true, Via: "cli"}

// withoutAPIVersion is a document's JSON with sorted keys and no
// apiVersion, to compare an import with its export (v3.0.x becomes v3.1.0).
func withoutAPIVersion(t *testing.T, doc []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "apiVersion")
	b, _ := json.Marshal(m)
	return string(b)
}

// TestODPSExportAndApply exports a product as ODPS, which validates and
// applies back unchanged; applies a changed copy and a new product from
// files; refuses a folder with one bad file and writes nothing.
func TestODPSExportAndApply(t *testing.T) {
	t.Parallel()
	onEachPoliciesDatabase(t, func(t *testing.T, app *testApp, dbURL string) {
		vera := app.apiAs(t, "vera@example.com", models.TokenRoleViewer)
		omar := app.apiAs(t, "omar@example.com", "")
		status, exported := vera.send(http.MethodGet, "/api/v1/products/checkout/orders/odps", "", "")
		doc, err := odps.Parse([]byte(exported))
		if status != 200 || err != nil {
			t.Fatalf("export: %d %v\n%s", status, err, exported)
		}
		if doc.APIVersion() != "v1.0.0" || doc.ID() != "checkout.orders" || len(doc.OutputPorts()) == 0 {
			t.Errorf("export: %s %s %d ports", doc.APIVersion(), doc.ID(), len(doc.OutputPorts()))
		}
		before, _ := app.Store.GetProduct(context.Background(), "checkout", "orders")
		if status, body := omar.send(http.MethodPost, "/api/v1/odps", "application/yaml", exported); status != 200 || !strings.Contains(body, `"updated"`) {
			t.Fatalf("apply the export: %d %s", status, body)
		}
		after, _ := app.Store.GetProduct(context.Background(), "checkout", "orders")
		if a, b := fmt.Sprint(before.Input()), fmt.Sprint(after.Input()); a != b {
			t.Errorf("applying the export changed the product:\n%s\n%s", a, b)
		}

		// Bad documents: refused with a clear 4xx, nothing written.
		rows := app.rowCounts(t)
		for name, c := range map[string]struct {
			body   string
			status int
			want   string
		}{
			"broken":     {"apiVersion: [\n", 400, "line"},
			"unknown":    {exported + "surprise: 1\n", 422, "surprise"},
			"kind":       {strings.Replace(exported, "kind: DataProduct", "kind: DataContract", 1), 422, "DataProduct"},
			"no domain":  {strings.Replace(exported, "domain: checkout\n", "", 1), 422, "domain"},
			"bad status": {strings.Replace(exported, "status: active", "status: sideways", 1), 422, "status"},
		} {
			if status, body := omar.send(http.MethodPost, "/api/v1/odps", "application/yaml", c.body); status != c.status || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d %.300s", name, status, body)
			}
		}
		if status, _ := vera.send(http.MethodPost, "/api/v1/odps", "application/yaml", exported); status != http.StatusForbidden {
			t.Errorf("a viewer applied ODPS: %d", status)
		}
		app.assertNothingWritten(t, rows)

		// A folder: a renamed copy and a new product, applied together.
		dir := t.TempDir()
		renamed := strings.Replace(exported, "name: Orders", "name: Orders (renamed)", 1)
		fresh := strings.NewReplacer("id: checkout.orders", "id: checkout.returns", "name: Orders", "name: Returns").Replace(exported)
		mustWrite(t, filepath.Join(dir, "a-orders.odps.yaml"), renamed)
		mustWrite(t, filepath.Join(dir, "b-returns.odps.yaml"), fresh)
		mustWrite(t, filepath.Join(dir, "c-bad.odps.yaml"), strings.Replace(exported, "status: active", "status: sideways", 1))
		rows = app.rowCounts(t)
		_, _, err = runCLI(t, "apply", "-f", dir, "--database-url", dbURL)
		if err == nil || !strings.Contains(err.Error(), "c-bad.odps.yaml") || !strings.Contains(err.Error(), "Nothing was applied") {
			t.Fatalf("a folder with a bad file: %v", err)
		}
		app.assertNothingWritten(t, rows)
		os.Remove(filepath.Join(dir, "c-bad.odps.yaml"))
		out, _, err := runCLI(t, "apply", "-f", dir, "--dry-run", "--database-url", dbURL)
		if err != nil || !strings.Contains(out, "would be created") || !strings.Contains(out, "would be updated") {
			t.Fatalf("dry run: %v %s", err, out)
		}
		app.assertNothingWritten(t, rows)
		out, _, err = runCLI(t, "apply", "-f", dir, "--database-url", dbURL)
		if err != nil || !strings.Contains(out, "checkout/returns created") || !strings.Contains(out, "checkout/orders updated") {
			t.Fatalf("apply: %v %s", err, out)
		}
		if p, err := app.Store.GetProduct(context.Background(), "checkout", "returns"); err != nil || p.Name != "Returns" {
			t.Errorf("the new product: %v %v", p, err)
		}
	})
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runCLI runs "meshport ARGS..." as the binary would.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

// TestContractsCommand exports a port's contract and imports a changed
// one from a file; a bad file is refused with its line and nothing saved.
func TestContractsCommand(t *testing.T) {
	t.Parallel()
	onEachPoliciesDatabase(t, func(t *testing.T, app *testApp, dbURL string) {
		ctx := context.Background()
		if _, err := app.Store.CreateProduct(ctx, storeAdmin, models.ProductInput{Name: "Shop orders", Domain: "checkout", Owner: "omar@example.com",
			Status: models.StatusDraft, Classification: models.ClassInternal,
			OutputPorts: []models.PortInput{{Name: "orders", Type: "table", Location: "public.orders"}}}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "orders.odcs.yaml")
		mustWrite(t, path, ordersContract)
		out, _, err := runCLI(t, "contracts", "import", "--port", "checkout/shop-orders/orders", "-f", path, "--database-url", dbURL)
		if err != nil || !strings.Contains(out, "saved version 1.0.0") {
			t.Fatalf("import: %v %s", err, out)
		}
		out, _, err = runCLI(t, "contracts", "export", "--port", "checkout/shop-orders/orders", "--database-url", dbURL)
		if doc, perr := odcs.Parse([]byte(out)); err != nil || perr != nil || doc.Version() != "1.0.0" {
			t.Fatalf("export: %v %v\n%s", err, perr, out)
		}
		mustWrite(t, path, strings.Replace(ordersContract, "logicalType: number", "logicalType: money", 1))
		rows := app.rowCounts(t)
		_, _, err = runCLI(t, "contracts", "import", "--port", "checkout/shop-orders/orders", "-f", path, "--database-url", dbURL)
		if err == nil || !strings.Contains(err.Error(), "(line 30)") || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("bad file: %v", err)
		}
		_, _, err = runCLI(t, "contracts", "import", "--port", "checkout/nope/orders", "-f", path, "--database-url", dbURL)
		if err == nil {
			t.Error("imported to a port that does not exist")
		}
		app.assertNothingWritten(t, rows)
		if _, _, err := runCLI(t, "contracts", "export", "--port", "bad", "--database-url", dbURL); err == nil || !strings.Contains(err.Error(), "domain/product/port") {
			t.Errorf("bad --port: %v", err)
		}
	})
}
