package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
)

// send is raw without the headers.
func (c *apiClient) send(method, path, contentType, body string) (int, string) {
	c.t.Helper()
	status, _, b := c.raw(method, path, contentType, body)
	return status, b
}

// contractFixture is a product whose port is a crawled PostgreSQL table.
type contractFixture struct {
	app *testApp
	db  string
	src *models.Source
}

func newContractFixture(t *testing.T) *contractFixture {
	t.Helper()
	app := newTestApp(t)
	db := newSourceDatabase(t,
		`CREATE TABLE public.orders (id integer PRIMARY KEY, email text NOT NULL, amount numeric(10,2), note varchar(20))`,
		`INSERT INTO public.orders SELECT g, 'u' || g || '@example.com', CASE WHEN g % 10 = 0 THEN NULL ELSE g END, 'n' FROM generate_series(1, 100) g`)
	ctx := context.Background()
	admin := models.Principal{Name: "test", Admin: true, Via: "cli"}
	src, err := app.Store.CreateSource(ctx, admin, models.SourceInput{
		Name: "Shop", Domain: "checkout", Kind: "postgres", DSN: "postgres://postgres@127.0.0.1:5432/" + db + "?sslmode=disable",
		Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	f := &contractFixture{app: app, db: db, src: src}
	f.crawl(t)
	_, err = app.Store.CreateProduct(ctx, admin, models.ProductInput{Name: "Shop orders", Domain: "checkout", Owner: "omar@example.com",
		Status: models.StatusDraft, Classification: models.ClassInternal, FreshnessSLA: "24h",
		OutputPorts: []models.PortInput{{Name: "orders", Type: "table", Location: "public.orders", Source: "shop"}}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *contractFixture) crawl(t *testing.T) {
	t.Helper()
	if _, err := f.app.Sources.Start(f.src, models.TriggerManual, nil, "test"); err != nil {
		t.Fatal(err)
	}
	f.app.Sources.Wait()
}

func (f *contractFixture) exec(t *testing.T, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), "postgres://postgres@127.0.0.1:5432/"+f.db+"?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

const contractPage = "/products/checkout/shop-orders/ports/orders/contract"
const contractAPI = "/api/v1/products/checkout/shop-orders/ports/orders/contract"

// TestContractFromTableThroughTheForm generates a contract from the
// crawled table in one click, changes a type in the editor, is told it is
// a breaking change that needs 1.0.0, and saves with that version.
func TestContractFromTableThroughTheForm(t *testing.T) {
	t.Parallel()
	f := newContractFixture(t)
	omar := f.app.signedIn(t, "omar")
	page := omar.get(contractPage)
	if !strings.Contains(page.Body, "No contract yet") || page.Doc.Find(`form[action$="/generate"]`).Length() != 1 {
		t.Fatalf("no generate button: %s", text(page.Doc.Find("main")))
	}
	res, _ := omar.post(contractPage+"/generate", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/contract/edit") {
		t.Fatalf("generate: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	v, err := f.app.Store.PortContract(context.Background(), "checkout", "shop-orders", "orders")
	if err != nil || v.Doc == nil {
		t.Fatalf("no contract after generate: %v", err)
	}
	props := v.Doc.Objects()[0].Properties
	var got []string
	for _, p := range props {
		got = append(got, p.Name+":"+p.LogicalType+":"+p.PhysicalType+":"+map[bool]string{true: "req", false: "opt"}[p.Required])
	}
	want := []string{"id:integer:integer:req", "email:string:text:req", "amount:number:numeric(10,2):opt", "note:string:character varying(20):opt"}
	if !slices.Equal(got, want) {
		t.Errorf("generated properties %q, want %q", got, want)
	}
	if v.Contract.Version != "0.1.0" || v.Contract.Status != "draft" || v.Drift.Drifted() {
		t.Errorf("generated: %s %s drift %v", v.Contract.Version, v.Contract.Status, v.Drift.Summary())
	}

	// A consumer asks to be told of breaking changes.
	vera := f.app.signedIn(t, "vera")
	vera.get(contractPage)
	if res, _ := vera.post(contractPage+"/watch", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("watch: %d %s", res.StatusCode, text(res.Doc.Find("main")))
	}
	if !strings.Contains(vera.get(contractPage).Body, "Stop telling me") {
		t.Error("the page does not say Vera follows the contract")
	}

	// The editor: change amount to a string; the live check says it breaks.
	edit := omar.follow(res)
	values := edit.formFields("form.form")
	if n := len(values["objects[0].properties.name"]); n != 4 {
		t.Fatalf("editor rows: %d (%v)", n, values)
	}
	values["objects[0].properties.logicalType"][2] = "string"
	values["objects[0].properties.physicalType"][2] = "text"
	check := omar.validate(contractPage+"/validate", "version", values)
	if !strings.Contains(check.Body, "breaking") || strings.TrimSpace(check.Doc.Find("[data-suggested]").Text()) != "1.0.0" {
		t.Errorf("live check: %s", text(check.Doc.Find("body")))
	}
	before := f.app.rowCounts(t)
	bad, _ := omar.post(contractPage, values)
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.fieldError("version"), "1.0.0") {
		t.Fatalf("breaking change with 0.1.0: %d %q %s", bad.StatusCode, bad.fieldError("version"), bad.formMessage())
	}
	f.app.assertNothingWritten(t, before)
	if got := bad.formFields("form.form")["objects[0].properties.logicalType"]; len(got) != 4 || got[2] != "string" {
		t.Errorf("the form lost the user's values: %q", got)
	}
	// A property without a name is refused at its field.
	noName := cloneValues(values)
	noName["objects[0].properties.name"][1] = ""
	noName["objects[0].properties.original"][1] = ""
	noName.Set("version", "1.0.0")
	bad, _ = omar.post(contractPage, noName)
	if bad.StatusCode != http.StatusUnprocessableEntity || bad.Doc.Find(`#col-0-1-name-error`).Text() == "" {
		t.Errorf("nameless property: %d %q", bad.StatusCode, bad.Doc.Find(".field-error").Text())
	}

	values.Set("version", "1.0.0")
	values.Set("status", "active")
	ok, _ := omar.post(contractPage, values)
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("save 1.0.0: %d %s %q", ok.StatusCode, ok.formMessage(), ok.fieldError("version"))
	}
	shown := omar.follow(ok)
	if !strings.Contains(shown.Body, "Saved version 1.0.0") || !strings.Contains(text(shown.Doc.Find("#drift")), "amount") {
		t.Errorf("after save: %s", text(shown.Doc.Find("main")))
	}
	var notices []models.OutboxMessage
	f.app.Store.DB().Where("recipient = ?", "vera@example.com").Find(&notices)
	if len(notices) != 1 || !strings.Contains(notices[0].Subject, "Breaking change") || !strings.Contains(notices[0].Text, "amount") ||
		!strings.Contains(notices[0].Text, "/contract/versions/1.0.0") {
		t.Errorf("breaking-change notices to the follower: %+v", notices)
	}
	versions, err := f.app.Store.ContractVersions(context.Background(), "checkout", "shop-orders", "orders")
	if err != nil || len(versions) != 2 || !versions[0].Breaking || versions[1].Breaking {
		t.Fatalf("versions: %+v %v", versions, err)
	}
	diff := omar.get(contractPage + "/versions/1.0.0")
	if diff.Doc.Find(".diff-add").Length() == 0 || diff.Doc.Find(".diff-del").Length() == 0 {
		t.Errorf("the version page shows no diff")
	}
	// The product page links the contract and shows its drift.
	product := omar.get("/products/checkout/shop-orders")
	if cell := text(product.Doc.Find("td.port-contract")); !strings.Contains(cell, "1.0.0") || !strings.Contains(cell, "drift") {
		t.Errorf("product page contract cell: %q", cell)
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

const ordersContract = `apiVersion: v3.1.0
kind: DataContract
id: shop-orders
name: Shop orders
version: 1.0.0
status: active
description:
  purpose: Orders of the shop
customProperties:
  - property: owner-team
    value: checkout
schema:
  - name: orders
    physicalName: orders
    physicalType: table
    quality:
      - metric: rowCount
        mustBeGreaterThan: 10
    properties:
      - name: id
        logicalType: integer
        physicalType: integer
        required: true
        primaryKey: true
      - name: email
        logicalType: string
        physicalType: text
        required: true
      - name: amount
        logicalType: number
        physicalType: numeric(10,2)
        quality:
          - metric: nullValues
            mustBe: 0
      - name: note
        logicalType: string
        physicalType: varchar(20)
`

// TestContractAPIAndDrift puts a contract through the API, refuses bad
// documents with their path and line and writes nothing, exports what
// validates, then follows the table: drift is raised after a crawl and
// closes once the table is fixed; the checks run and a failing one is a
// quality finding.
func TestContractAPIAndDrift(t *testing.T) {
	t.Parallel()
	f := newContractFixture(t)
	omar := f.app.apiAs(t, "omar@example.com", "")
	vera := f.app.apiAs(t, "vera@example.com", models.TokenRoleViewer)

	before := f.app.rowCounts(t)
	for name, c := range map[string]struct {
		body, contentType string
		status            int
		want              string
	}{
		"broken YAML":    {"apiVersion: [v3.1.0\n", "application/yaml", 400, "line"},
		"unknown key":    {ordersContract + "surprise: 1\n", "application/yaml", 422, "surprise"},
		"bad type":       {strings.Replace(ordersContract, "logicalType: number", "logicalType: money", 1), "application/yaml", 422, "schema[0].properties[2].logicalType"},
		"missing status": {strings.Replace(ordersContract, "status: active\n", "", 1), "application/yaml", 422, "status"},
		"version 2":      {strings.Replace(ordersContract, "apiVersion: v3.1.0", "apiVersion: v2.2.0", 1), "application/yaml", 422, "v3.1.0"},
		"wrong kind":     {strings.Replace(ordersContract, "kind: DataContract", "kind: DataProduct", 1), "application/yaml", 422, "DataContract"},
		"too large":      {ordersContract + "# " + strings.Repeat("x", 3<<20) + "\n", "application/yaml", 413, "large"},
		"wrong type":     {ordersContract, "text/plain", 400, "application/yaml"},
	} {
		status, body := omar.send(http.MethodPut, contractAPI, c.contentType, c.body)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %.300s", name, status, body)
		}
	}
	if status, body := omar.send(http.MethodPut, contractAPI, "application/yaml", strings.Replace(ordersContract, "logicalType: number", "logicalType: money", 1)); !strings.Contains(body, "schema[0].properties[2].logicalType") || !strings.Contains(body, "(line 30)") {
		t.Errorf("the error names no line: %d %s", status, body)
	}
	f.app.assertNothingWritten(t, before)
	if status, _ := vera.send(http.MethodPut, contractAPI, "application/yaml", ordersContract); status != http.StatusForbidden {
		t.Errorf("a viewer put a contract: %d", status)
	}

	status, body := omar.send(http.MethodPut, contractAPI, "application/yaml", ordersContract)
	if status != http.StatusCreated {
		t.Fatalf("put: %d %s", status, body)
	}
	// The export validates and keeps what meshport does not model.
	status, exported := vera.send(http.MethodGet, contractAPI, "", "")
	doc, err := odcs.Parse([]byte(exported))
	if status != 200 || err != nil || !strings.Contains(exported, "owner-team") {
		t.Fatalf("export: %d %v\n%s", status, err, exported)
	}
	if doc.Version() != "1.0.0" || doc.APIVersion() != "v3.1.0" {
		t.Errorf("export version %s api %s", doc.Version(), doc.APIVersion())
	}
	// The same document again changes nothing; removing a column without a
	// major version is refused.
	if status, body := omar.send(http.MethodPut, contractAPI, "application/yaml", ordersContract); status != 200 || !strings.Contains(body, `"changed":false`) {
		t.Errorf("same document: %d %s", status, body)
	}
	removed := strings.Replace(ordersContract, "      - name: note\n        logicalType: string\n        physicalType: varchar(20)\n", "", 1)
	status, body = omar.send(http.MethodPut, contractAPI, "application/yaml", strings.Replace(removed, "version: 1.0.0", "version: 1.1.0", 1))
	if status != 422 || !strings.Contains(body, "2.0.0") {
		t.Errorf("breaking change as 1.1.0: %d %s", status, body)
	}

	// Checks: 100 rows pass rowCount; 10 null amounts fail nullValues.
	status, body = omar.send(http.MethodPost, strings.TrimSuffix(contractAPI, "/contract")+"/checks", "", "")
	if status != 200 || !strings.Contains(body, `"status":"failed"`) || !strings.Contains(body, `"status":"passed"`) {
		t.Fatalf("run checks: %d %s", status, body)
	}
	quality, _ := f.app.Store.ProductFindingsOf(context.Background(), models.FindingQuality, productID(t, f.app))
	if len(quality) != 1 || !strings.Contains(quality[0].Detail, "amount") {
		t.Errorf("quality findings: %+v", quality)
	}

	// Drift: drop a column and change a type; the crawl raises it.
	f.exec(t, "ALTER TABLE public.orders DROP COLUMN note; ALTER TABLE public.orders ALTER COLUMN email DROP NOT NULL")
	f.crawl(t)
	drift, _ := f.app.Store.ProductFindingsOf(context.Background(), models.FindingContractDrift, productID(t, f.app))
	if len(drift) != 1 || !strings.Contains(drift[0].Detail, "note") || !strings.Contains(drift[0].Detail, "email") {
		t.Fatalf("drift findings after the crawl: %+v", drift)
	}
	// The owner's report says so.
	omarPage := f.app.signedIn(t, "omar")
	if preview := omarPage.get("/reports/preview"); !strings.Contains(preview.Body, "no longer matches its table") ||
		!strings.Contains(preview.Body, "Quality checks of Shop orders") {
		t.Errorf("the owner's report does not tell of the drift and the failed checks: %s", text(preview.Doc.Find("pre")))
	}
	f.exec(t, "ALTER TABLE public.orders ADD COLUMN note varchar(20); ALTER TABLE public.orders ALTER COLUMN email SET NOT NULL")
	f.crawl(t)
	if drift, _ := f.app.Store.ProductFindingsOf(context.Background(), models.FindingContractDrift, productID(t, f.app)); len(drift) != 0 {
		t.Errorf("drift still open after the fix: %+v", drift)
	}
	// After the fix the nulls are filled: the crawl's checks pass and the
	// quality finding closes.
	f.exec(t, "UPDATE public.orders SET amount = 0 WHERE amount IS NULL")
	f.crawl(t)
	if quality, _ := f.app.Store.ProductFindingsOf(context.Background(), models.FindingQuality, productID(t, f.app)); len(quality) != 0 {
		t.Errorf("quality finding open after the data was fixed: %+v", quality)
	}
	if status, body := vera.send(http.MethodGet, contractAPI+"/versions", "", ""); status != 200 || !strings.Contains(body, `"version":"1.0.0"`) {
		t.Errorf("versions: %d %s", status, body)
	}

	// A product of another domain on the same source: its SQL rule does not
	// run with the source's credentials (it could read any table); its
	// library rule on its own port's table does.
	ctx := context.Background()
	if _, err := f.app.Store.CreateProduct(ctx, storeAdmin, models.ProductInput{Name: "Order mirror", Domain: "customer", Owner: "vera@example.com",
		Status: models.StatusDraft, Classification: models.ClassInternal,
		OutputPorts: []models.PortInput{{Name: "orders", Type: "table", Location: "public.orders", Source: "shop"}}}); err != nil {
		t.Fatal(err)
	}
	doc, _ = models.ParseContract([]byte(`apiVersion: v3.1.0
kind: DataContract
id: mirror
version: 1.0.0
status: active
schema:
  - name: orders
    quality:
      - {metric: rowCount, mustBeGreaterThan: 0}
      - {type: sql, query: "SELECT count(*) FROM pg_catalog.pg_authid", mustBeGreaterThan: 0}
`))
	if _, err := f.app.Store.SaveContract(ctx, storeAdmin, "customer", "order-mirror", "orders", doc); err != nil {
		t.Fatal(err)
	}
	ada := f.app.apiAs(t, "ada@example.com", models.TokenRoleAdmin)
	status, body = ada.send(http.MethodPost, "/api/v1/products/customer/order-mirror/ports/orders/checks", "", "")
	if status != 200 || !strings.Contains(body, `"status":"passed"`) || !strings.Contains(body, "SQL checks run only on sources of the product's own domain") {
		t.Errorf("checks of another domain's product: %d %s", status, body)
	}
}

func productID(t *testing.T, app *testApp) uint {
	t.Helper()
	p, err := app.Store.GetProduct(context.Background(), "checkout", "shop-orders")
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// upload posts a file as the contract page's upload form does.
func (b *browser) upload(path, field, name string, content []byte) *page {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", b.csrf)
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// TestContractPagesRefuseBadInput: every contract write of the pages
// answers a bad request with a clear message and writes nothing.
func TestContractPagesRefuseBadInput(t *testing.T) {
	t.Parallel()
	f := newContractFixture(t)
	omar := f.app.signedIn(t, "omar")
	omar.get(contractPage)
	before := f.app.rowCounts(t)
	for _, c := range []struct {
		what   string
		res    *page
		status int
		want   string
	}{
		{"upload broken YAML", omar.upload(contractPage+"/upload", "file", "x.yaml", []byte("apiVersion: [\n")), 400, "not well-formed"},
		{"upload an invalid contract", omar.upload(contractPage+"/upload", "file", "x.yaml", []byte(strings.Replace(ordersContract, "logicalType: number", "logicalType: money", 1))),
			422, "schema[0].properties[2].logicalType"},
		{"upload a 3 MB file", omar.upload(contractPage+"/upload", "file", "x.yaml", []byte(ordersContract+"# "+strings.Repeat("x", 3<<20))), 413, "large"},
		{"upload without a file", func() *page { p, _ := omar.post(contractPage+"/upload", nil); return p }(), 400, "Choose an ODCS YAML file"},
		{"run checks without a contract", func() *page { p, _ := omar.post(contractPage+"/checks", nil); return p }(), 409, "no contract"},
		{"follow without a contract", func() *page { p, _ := omar.post(contractPage+"/watch", nil); return p }(), 404, "no contract"},
		{"delete without a contract", func() *page { p, _ := omar.post(contractPage+"/delete", nil); return p }(), 404, "no contract"},
		{"a port that does not exist", omar.get("/products/checkout/shop-orders/ports/nope/contract"), 404, "no output port nope"},
		{"save a form without rows", func() *page {
			p, _ := omar.post(contractPage, url.Values{"version": {"x"}, "status": {"draft"}, "object_index": {"-1"}, "objects[0].name": {""}})
			return p
		}(), 422, "Name the table."},
		{"save a form with a bad object index", func() *page { p, _ := omar.post(contractPage, url.Values{"object_index": {"zero"}}); return p }(), 400, "could not be read"},
	} {
		if c.res.StatusCode != c.status || !strings.Contains(c.res.Body, c.want) {
			t.Errorf("%s: %d %s", c.what, c.res.StatusCode, text(c.res.Doc.Find("main")))
		}
	}
	f.app.assertNothingWritten(t, before)
	// Generating where the port has no crawled table.
	if _, err := f.app.Store.PatchProduct(context.Background(), storeAdmin, "checkout", "shop-orders", func(in *models.ProductInput) error {
		in.OutputPorts = append(in.OutputPorts, models.PortInput{Name: "api", Type: "api", Location: "https://example.com/orders"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before = f.app.rowCounts(t)
	omar.get("/products/checkout/shop-orders/ports/api/contract")
	if res, _ := omar.post("/products/checkout/shop-orders/ports/api/contract/generate", nil); res.StatusCode != http.StatusConflict ||
		!strings.Contains(res.Body, "no crawled table") {
		t.Errorf("generate without a table: %d %s", res.StatusCode, text(res.Doc.Find("main")))
	}
	// A viewer may read but not write.
	vera := f.app.signedIn(t, "vera")
	vera.get(contractPage)
	if res, _ := vera.post(contractPage+"/generate", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer generated a contract: %d", res.StatusCode)
	}
	f.app.assertNothingWritten(t, before)
}

// TestDocumentBodyLimitFollowsTheRoute: only the routes that take a
// contract or product document accept 3 MB bodies; a path that merely ends
// like one (or encodes one) keeps the 1 MB limit, signed in or not.
func TestDocumentBodyLimitFollowsTheRoute(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	big := strings.Repeat("x", 2<<20) // 2 MB: over the usual limit, under a document's
	for _, path := range []string{"/nothing/here/contract/upload", "/products/x/y%2Fports%2Fp%2Fcontract%2Fupload", "/products/checkout/orders"} {
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d, want 413", path, res.StatusCode)
		}
		// Without a length the server reads up to the limit and stops
		// (the form then fails its CSRF check), instead of reading 64 MB.
		sent := &countingReader{r: io.LimitReader(zeros{}, 64<<20)}
		req, _ = http.NewRequest(http.MethodPost, app.URL+path, sent)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Errorf("%s without a length: %d", path, res.StatusCode)
			}
		}
		if n := sent.n.Load(); n > 16<<20 {
			t.Errorf("%s without a length: the server read %d bytes", path, n)
		}
	}
	// The real upload route takes 2 MB (and then says what is wrong with it).
	omar := app.signedIn(t, "omar")
	omar.get("/products/checkout/orders/ports/orders/contract")
	res := omar.upload("/products/checkout/orders/ports/orders/contract/upload", "file", "big.yaml", []byte("# "+big[:2<<20-100]))
	if res.StatusCode == http.StatusRequestEntityTooLarge || res.StatusCode >= 500 {
		t.Errorf("a 2 MB upload: %d", res.StatusCode)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// countingReader counts what the client sent; the transport reads the
// body on a goroutine of its own, which may outlive the answer.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
