package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// The passwords the sources tests put into DSNs; no answer may contain one.
var sourcePasswords = []string{"S3cret-pw", "N3w-pw", "St4ll-pw"}

const (
	pgDSN     = "postgres://reader:S3cret-pw@127.0.0.1:5432/test?sslmode=disable"
	pgDSNHint = "postgres://reader@127.0.0.1:5432/test"
)

// sourceTables are the tables a sources API write can touch.
var sourceTables = []string{"sources", "audit_entries", "crawl_runs", "assets"}

func (a *testApp) sourceCounts(t testing.TB) map[string]int64 {
	t.Helper()
	c := map[string]int64{}
	for _, table := range sourceTables {
		c[table] = a.count(t, table)
	}
	return c
}

// assertSourceCounts fails unless each table changed by exactly the given
// amount since before (nothing, for tables not named).
func (a *testApp) assertSourceCounts(t testing.TB, before map[string]int64, want map[string]int64) {
	t.Helper()
	for _, table := range sourceTables {
		if n := a.count(t, table); n != before[table]+want[table] {
			t.Errorf("%s: %d rows, want %d", table, n, before[table]+want[table])
		}
	}
}

// srcCall sends a request like apiClient.call (body a string or marshalled
// as JSON), fails the test if the answer or its headers contain any of the
// test passwords, and returns the status, headers, raw body and decoded
// object (nil for an empty body).
func srcCall(t testing.TB, c *apiClient, method, path string, body any) (int, http.Header, string, map[string]any) {
	t.Helper()
	var text, ctype string
	switch v := body.(type) {
	case nil:
	case string:
		text, ctype = v, "application/json"
	default:
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		text, ctype = string(b), "application/json"
	}
	status, hdr, raw := c.raw(method, path, ctype, text)
	all := raw
	for k, vs := range hdr {
		all += "\n" + k + ": " + strings.Join(vs, ", ")
	}
	for _, pw := range sourcePasswords {
		if strings.Contains(all, pw) {
			t.Errorf("%s %s: the answer contains the password %q: %s", method, path, pw, raw)
		}
	}
	var out map[string]any
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %q", method, path, raw)
		}
	}
	return status, hdr, raw, out
}

// sourceState is a source as the API shows it, without its next runs
// (which move with the clock), for "nothing changed".
func sourceState(t testing.TB, c *apiClient, slug string) string {
	t.Helper()
	status, _, raw, body := srcCall(t, c, http.MethodGet, "/api/v1/sources/"+slug, nil)
	if status != http.StatusOK {
		t.Fatalf("GET source %s: %d %s", slug, status, raw)
	}
	delete(body, "next_runs")
	b, _ := json.Marshal(body)
	return string(b)
}

func newSourceBody(name, domain, dsn string) map[string]any {
	return map[string]any{"name": name, "domain": domain, "kind": "postgres", "dsn": dsn, "schedule": "0 3 * * *"}
}

// storedDSN is the decrypted DSN the store holds for a source.
func (a *testApp) storedDSN(t testing.TB, ref string) string {
	t.Helper()
	src, err := a.Store.GetSource(context.Background(), ref)
	if err != nil {
		t.Fatalf("source %s: %v", ref, err)
	}
	dsn, err := a.Store.StoredDSN(src)
	if err != nil {
		t.Fatalf("stored DSN of %s: %v", ref, err)
	}
	return dsn
}

// assertNoPasswordStored fails if a password is in the database in clear:
// in the sources table or in the audit log.
func (a *testApp) assertNoPasswordStored(t testing.TB) {
	t.Helper()
	for _, pw := range sourcePasswords {
		for _, q := range []string{
			"SELECT count(*) FROM sources WHERE dsn_sealed LIKE ? OR dsn_hint LIKE ?",
			"SELECT count(*) FROM audit_entries WHERE changes LIKE ? OR entity_key LIKE ?",
		} {
			var n int64
			if err := a.Store.DB().Raw(q, "%"+pw+"%", "%"+pw+"%").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%q is stored in clear (%s)", pw, q)
			}
		}
	}
}

// obj is v as a JSON object, empty when it is not one.
func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// waitScheduled waits until n sources have a schedule entry: writes through
// the API re-read the schedules at once, not at the next periodic sync
// (every 30 s).
func (a *testApp) waitScheduled(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for a.Sources.Scheduled() != n {
		if time.Now().After(deadline) {
			t.Errorf("%d sources scheduled, want %d", a.Sources.Scheduled(), n)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := []string{}
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestAPISourceLifecycle(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")

	// Create.
	before := app.sourceCounts(t)
	in := newSourceBody("Orders DB", "checkout", pgDSN)
	in["include"] = []string{"public.*", " sales.* "}
	in["freshness_columns"] = []string{"public.orders=updated_at"}
	start := time.Now()
	status, hdr, raw, body := srcCall(t, ada, http.MethodPost, "/api/v1/sources", in)
	if status != http.StatusCreated || hdr.Get("Location") != "/api/v1/sources/orders-db" {
		t.Fatalf("create: %d Location %q %s", status, hdr.Get("Location"), raw)
	}
	for _, forbidden := range []string{`"dsn"`, "dsn_sealed", "password"} {
		if strings.Contains(raw, forbidden) {
			t.Errorf("the answer has %s: %s", forbidden, raw)
		}
	}
	want := map[string]any{
		"slug": "orders-db", "name": "Orders DB", "domain": "checkout", "kind": "postgres", "dsn_hint": pgDSNHint,
		"schedule": "0 3 * * *", "schedule_description": "every day at 03:00 UTC", "time_zone": "UTC", "enabled": true,
		"url": "/api/v1/sources/orders-db", "assets": 0.0, "total_bytes": 0.0, "last_run": nil,
	}
	for k, v := range want {
		if got, has := body[k]; !has || got != v {
			t.Errorf("created %s = %#v, want %#v", k, got, v)
		}
	}
	if id, _ := body["id"].(float64); id < 1 {
		t.Errorf("id %v", body["id"])
	}
	if got := strs(body["include"]); !sameStrings(got, []string{"public.*", "sales.*"}) {
		t.Errorf("include %q", got)
	}
	if got, ok := body["exclude"].([]any); !ok || len(got) != 0 {
		t.Errorf("exclude %#v, want []", body["exclude"])
	}
	if got := strs(body["freshness_columns"]); !sameStrings(got, []string{"public.orders=updated_at"}) {
		t.Errorf("freshness_columns %q", got)
	}
	next := strs(body["next_runs"])
	if len(next) != 3 {
		t.Fatalf("next_runs %q", next)
	}
	prev := start
	for _, s := range next {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil || !at.After(prev) || at.UTC().Hour() != 3 || at.Minute() != 0 {
			t.Errorf("next run %q (after %v): %v", s, prev, err)
		}
		prev = at
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(body[k])); err != nil || at.Before(start.Add(-time.Second)) {
			t.Errorf("%s %v", k, body[k])
		}
	}
	app.assertSourceCounts(t, before, map[string]int64{"sources": 1, "audit_entries": 1})
	if e := app.lastAudit(t, "source", "orders-db"); e.Actor != "ada@example.com (token test)" || e.Action != "created" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}
	if got := app.storedDSN(t, "orders-db"); got != pgDSN {
		t.Errorf("stored DSN %q", got)
	}
	app.assertNoPasswordStored(t)
	app.waitScheduled(t, 1)

	// List and get (by slug and by id).
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources", nil)
	items, _ := body["items"].([]any)
	if status != http.StatusOK || body["total"] != 1.0 || len(items) != 1 {
		t.Fatalf("list: %d %v", status, body)
	}
	if it := items[0].(map[string]any); it["slug"] != "orders-db" || it["dsn_hint"] != pgDSNHint || it["last_run"] != nil || it["domain"] != "checkout" {
		t.Errorf("list item %v", it)
	}
	status, _, _, byID := srcCall(t, ada, http.MethodGet, fmt.Sprintf("/api/v1/sources/%v", body["items"].([]any)[0].(map[string]any)["id"]), nil)
	if status != http.StatusOK || byID["slug"] != "orders-db" {
		t.Errorf("get by id: %d %v", status, byID)
	}
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/ORDERS-DB", nil)
	if status != http.StatusOK || body["slug"] != "orders-db" || body["assets"] != 0.0 || body["last_run"] != nil {
		t.Errorf("get by slug: %d %v", status, body)
	}

	// PATCH renames, keeping the connection.
	before = app.sourceCounts(t)
	status, _, _, body = srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"name": "Orders warehouse"})
	if status != http.StatusOK || body["name"] != "Orders warehouse" || body["slug"] != "orders-db" || body["dsn_hint"] != pgDSNHint ||
		body["schedule"] != "0 3 * * *" || !sameStrings(strs(body["include"]), []string{"public.*", "sales.*"}) {
		t.Errorf("rename: %d %v", status, body)
	}
	if got := app.storedDSN(t, "orders-db"); got != pgDSN {
		t.Errorf("rename changed the stored DSN to %q", got)
	}
	app.assertSourceCounts(t, before, map[string]int64{"audit_entries": 1})
	if e := app.lastAudit(t, "source", "orders-db"); e.Action != "updated" || len(e.Changes) != 1 || e.Changes[0].Field != "name" {
		t.Errorf("audit %s %+v", e.Action, e.Changes)
	}

	// PATCH with a DSN replaces the connection.
	newDSN := "postgres://writer:N3w-pw@127.0.0.1:5433/sales"
	status, _, _, body = srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"dsn": newDSN})
	if status != http.StatusOK || body["dsn_hint"] != "postgres://writer@127.0.0.1:5433/sales" || body["name"] != "Orders warehouse" {
		t.Errorf("patch dsn: %d %v", status, body)
	}
	if got := app.storedDSN(t, "orders-db"); got != newDSN {
		t.Errorf("stored DSN %q, want %q", got, newDSN)
	}

	// PATCH without a DSN keeps it; lists are replaced whole.
	status, _, _, body = srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db",
		map[string]any{"schedule": "@hourly", "time_zone": "Europe/Berlin", "enabled": false, "include": []string{"sales.*"}, "exclude": []string{"sales.tmp_*"}})
	if status != http.StatusOK || body["dsn_hint"] != "postgres://writer@127.0.0.1:5433/sales" || body["schedule"] != "@hourly" ||
		body["time_zone"] != "Europe/Berlin" || body["schedule_description"] != "every hour, on the hour, Europe/Berlin" || body["enabled"] != false ||
		!sameStrings(strs(body["include"]), []string{"sales.*"}) || !sameStrings(strs(body["exclude"]), []string{"sales.tmp_*"}) {
		t.Errorf("patch without dsn: %d %v", status, body)
	}
	if got := strs(body["next_runs"]); len(got) != 0 {
		t.Errorf("a disabled source has next runs %q", got)
	}
	app.waitScheduled(t, 0)
	if got := app.storedDSN(t, "orders-db"); got != newDSN {
		t.Errorf("patch without dsn changed the stored DSN to %q", got)
	}
	status, _, _, body = srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"enabled": true})
	if next := strs(body["next_runs"]); status != http.StatusOK || len(next) != 3 || !strings.HasSuffix(next[0], ":00:00+01:00") && !strings.HasSuffix(next[0], ":00:00+02:00") {
		t.Errorf("re-enabled: %d next runs %q (want Europe/Berlin hours)", status, body["next_runs"])
	}
	app.waitScheduled(t, 1)

	// PATCH the slug: the old address is gone.
	status, _, _, body = srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"slug": "warehouse"})
	if status != http.StatusOK || body["slug"] != "warehouse" || body["url"] != "/api/v1/sources/warehouse" {
		t.Errorf("reslug: %d %v", status, body)
	}
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/orders-db", nil)
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", `There is no source "orders-db".`, "", "")
	app.assertNoPasswordStored(t)

	// Delete.
	before = app.sourceCounts(t)
	status, _, raw, _ = srcCall(t, ada, http.MethodDelete, "/api/v1/sources/warehouse", nil)
	if status != http.StatusNoContent || raw != "" {
		t.Errorf("delete: %d %q", status, raw)
	}
	app.assertSourceCounts(t, before, map[string]int64{"sources": -1, "audit_entries": 1})
	if e := app.lastAudit(t, "source", "warehouse"); e.Action != "deleted" {
		t.Errorf("audit %s", e.Action)
	}
	app.waitScheduled(t, 0)
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/warehouse", nil)
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", `There is no source "warehouse".`, "", "")
	status, _, _, body = srcCall(t, ada, http.MethodDelete, "/api/v1/sources/warehouse", nil)
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", "", "", "")
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources", nil)
	if items, ok := body["items"].([]any); status != http.StatusOK || !ok || len(items) != 0 || body["total"] != 0.0 {
		t.Errorf("list after delete: %d %v", status, body)
	}
}

func TestAPISourceBadInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", newSourceBody("Orders DB", "checkout", pgDSN)); status != http.StatusCreated {
		t.Fatalf("setup: %d %s", status, raw)
	}
	valid := `"name": "Payments DB", "domain": "checkout", "kind": "postgres", "schedule": "0 3 * * *"`
	pg := `"dsn": "` + pgDSN + `"`
	const (
		notSchedule = "Not a schedule:"
		tooOften    = "Crawl at most every 5 minutes."
	)
	cases := []struct {
		name, method, path, body string
		status                   int
		code, msg, field         string
		fieldMsg                 string // exact, or a prefix when it ends in ":"
	}{
		{"unknown field", "POST", "/api/v1/sources", `{` + valid + `, ` + pg + `, "password": "S3cret-pw"}`, 400, "bad_request", "The body has a field meshport does not know.", "password", "Unknown field."},
		{"wrong type", "POST", "/api/v1/sources", `{` + valid + `, ` + pg + `, "enabled": "yes"}`, 400, "bad_request", "A field has the wrong type.", "enabled", "Must be true or false."},
		{"include is a string", "POST", "/api/v1/sources", `{` + valid + `, ` + pg + `, "include": "public.*"}`, 400, "bad_request", "A field has the wrong type.", "include", "Must be an array."},
		{"empty body", "POST", "/api/v1/sources", ``, 400, "bad_request", "The request body is empty; send a JSON object.", "", ""},
		{"not JSON", "POST", "/api/v1/sources", `{"name": }`, 400, "bad_request", "The body is not valid JSON (at byte 10).", "", ""},
		{"no dsn", "POST", "/api/v1/sources", `{` + valid + `}`, 422, "invalid", "Please correct the highlighted fields.", "dsn", "Enter the connection."},
		{"bad kind", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "postgres", "oracle", 1) + `, ` + pg + `}`, 422, "invalid", "", "kind", "Choose PostgreSQL, MySQL/MariaDB, SQLite or files."},
		{"bad schedule", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "0 3 * * *", "every day", 1) + `, ` + pg + `}`, 422, "invalid", "", "schedule", notSchedule},
		{"too frequent", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "0 3 * * *", "*/2 * * * *", 1) + `, ` + pg + `}`, 422, "invalid", "", "schedule", tooOften},
		{"@every", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "0 3 * * *", "@every 6h", 1) + `, ` + pg + `}`, 422, "invalid", "", "schedule", "@every counts from each start of the portal, so it cannot run once across replicas; use a cron expression (e.g. 0 */6 * * * for every six hours) or @hourly, @daily, @weekly."},
		{"bad time zone", "POST", "/api/v1/sources", `{` + valid + `, ` + pg + `, "time_zone": "Mars/Olympus"}`, 422, "invalid", "", "time_zone", "Use a time zone name such as UTC or Europe/Berlin."},
		{"metadata host", "POST", "/api/v1/sources", `{` + valid + `, "dsn": "postgres://reader:S3cret-pw@169.254.169.254:5432/test"}`, 422, "invalid", "", "dsn",
			`The host "169.254.169.254" is not allowed for sources: address 169.254.169.254 is link-local (this includes cloud metadata services).`},
		{"numeric slug", "POST", "/api/v1/sources", `{` + valid + `, ` + pg + `, "slug": "2024"}`, 422, "invalid", "", "slug", "Use at least one letter: a number alone is read as a source's id."},
		{"enabled null on patch", "PATCH", "/api/v1/sources/orders-db", `{"enabled": null}`, 422, "invalid", "", "enabled", "Must be true or false."},
		{"dsn not a URL", "POST", "/api/v1/sources", `{` + valid + `, "dsn": "host=127.0.0.1 password=S3cret-pw"}`, 422, "invalid", "", "dsn", "Write it as a URL: postgres://user:password@host:port/database."},
		{"relative sqlite path", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "postgres", "sqlite", 1) + `, "dsn": "data/sales.db"}`, 422, "invalid", "", "dsn", "Give an absolute path, e.g. /data/sales.db or /data/exports."},
		{"sqlite without file roots", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "postgres", "sqlite", 1) + `, "dsn": "/tmp/sales.db"}`, 422, "invalid", "", "dsn",
			"File and SQLite sources are switched off: an operator allows them under chosen folders with MESHPORT_SOURCES_FILE_ROOTS."},
		{"duplicate slug", "POST", "/api/v1/sources", `{` + strings.Replace(valid, "Payments DB", "Orders DB", 1) + `, ` + pg + `}`, 409, "conflict", "Another source already uses this slug.", "slug", "Another source already uses this slug."},
		{"unknown domain", "POST", "/api/v1/sources", `{` + strings.Replace(valid, `"checkout"`, `"nope"`, 1) + `, ` + pg + `}`, 422, "invalid", "", "domain", "There is no such domain."},
		{"text body", "POST", "/api/v1/sources", "", 400, "bad_request", "", "", ""},

		{"patch empty body", "PATCH", "/api/v1/sources/orders-db", ``, 400, "bad_request", "The request body is empty; send a JSON object.", "", ""},
		{"patch unknown field", "PATCH", "/api/v1/sources/orders-db", `{"dsn_hint": "x"}`, 400, "bad_request", "", "dsn_hint", "Unknown field."},
		{"patch wrong type", "PATCH", "/api/v1/sources/orders-db", `{"schedule": 5}`, 400, "bad_request", "", "schedule", "Must be a string."},
		{"patch too frequent", "PATCH", "/api/v1/sources/orders-db", `{"schedule": "* * * * *"}`, 422, "invalid", "", "schedule", tooOften},
		{"patch metadata host", "PATCH", "/api/v1/sources/orders-db", `{"dsn": "postgres://reader:S3cret-pw@169.254.169.254/test"}`, 422, "invalid", "", "dsn",
			`The host "169.254.169.254" is not allowed for sources: address 169.254.169.254 is link-local (this includes cloud metadata services).`},
		{"patch kind without dsn", "PATCH", "/api/v1/sources/orders-db", `{"kind": "mysql"}`, 422, "invalid", "", "dsn", "A different kind of source needs its own connection."},
		{"patch unknown domain", "PATCH", "/api/v1/sources/orders-db", `{"domain": "nope"}`, 422, "invalid", "", "domain", "There is no such domain."},
		{"patch unknown source", "PATCH", "/api/v1/sources/nope", `{"name": "x"}`, 404, "not_found", `There is no source "nope".`, "", ""},
		{"delete unknown source", "DELETE", "/api/v1/sources/nope", ``, 404, "not_found", `There is no source "nope".`, "", ""},
		{"crawl unknown source", "POST", "/api/v1/sources/nope/crawl", ``, 404, "not_found", `There is no source "nope".`, "", ""},
	}
	// A second source to collide with on PATCH.
	if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", newSourceBody("Stock DB", "logistics", pgDSN)); status != http.StatusCreated {
		t.Fatalf("setup: %d %s", status, raw)
	}
	cases = append(cases, struct {
		name, method, path, body string
		status                   int
		code, msg, field         string
		fieldMsg                 string
	}{"patch slug of another source", "PATCH", "/api/v1/sources/orders-db", `{"slug": "stock-db"}`, 409, "conflict", "", "slug", "Another source already uses this slug."})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			was := sourceState(t, ada, "orders-db")
			dsnWas := app.storedDSN(t, "orders-db")
			before := app.sourceCounts(t)
			ctype, text := "application/json", tc.body
			switch {
			case tc.name == "text body":
				ctype, text = "text/plain", `{`+valid+`, `+pg+`}`
			case tc.method == http.MethodDelete || strings.HasSuffix(tc.path, "/crawl"):
				ctype = ""
			}
			status, _, raw := ada.raw(tc.method, tc.path, ctype, text)
			var body map[string]any
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("answer is not JSON: %q", raw)
			}
			for _, pw := range sourcePasswords {
				if strings.Contains(raw, pw) {
					t.Errorf("the answer contains %q: %s", pw, raw)
				}
			}
			fieldMsg := tc.fieldMsg
			if strings.HasSuffix(fieldMsg, ":") {
				_, fields := apiError(body)
				if got, _ := fields[tc.field].(string); !strings.HasPrefix(got, fieldMsg) {
					t.Errorf("fields[%q] = %q, want it to start with %q", tc.field, got, fieldMsg)
				}
				fieldMsg, _ = fields[tc.field].(string)
			}
			assertAPIError(t, status, body, tc.status, tc.code, tc.msg, tc.field, fieldMsg)
			app.assertSourceCounts(t, before, nil)
			if now := sourceState(t, ada, "orders-db"); now != was {
				t.Errorf("orders-db changed:\n%s\n%s", was, now)
			}
			if got := app.storedDSN(t, "orders-db"); got != dsnWas {
				t.Errorf("stored DSN changed to %q", got)
			}
		})
	}
	app.assertNoPasswordStored(t)
}

func TestAPISourceAuthorization(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	for _, b := range []map[string]any{newSourceBody("Orders DB", "checkout", pgDSN), newSourceBody("CRM DB", "customer", pgDSN)} {
		if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", b); status != http.StatusCreated {
			t.Fatalf("setup: %d %s", status, raw)
		}
	}

	viewers := map[string]*apiClient{
		"viewer token":       app.apiAs(t, "vera@example.com", models.TokenRoleViewer),
		"owner viewer token": app.tokenFor(t, "omar", models.TokenRoleViewer),
		"vera personal":      app.tokenFor(t, "vera", models.TokenRolePersonal),
	}
	for name, c := range viewers {
		t.Run(name, func(t *testing.T) {
			// Reads.
			for _, path := range []string{"/api/v1/sources", "/api/v1/sources/orders-db", "/api/v1/sources/orders-db/runs", "/api/v1/sources/orders-db/assets"} {
				if status, _, raw, _ := srcCall(t, c, http.MethodGet, path, nil); status != http.StatusOK {
					t.Errorf("GET %s: %d %s", path, status, raw)
				}
			}
			// Writes.
			before := app.sourceCounts(t)
			status, _, _, body := srcCall(t, c, http.MethodPost, "/api/v1/sources", newSourceBody("Refunds DB", "checkout", pgDSN))
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Checkout can register its sources.", "", "")
			status, _, _, body = srcCall(t, c, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"name": "Mine"})
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Checkout can change its sources.", "", "")
			status, _, _, body = srcCall(t, c, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"dsn": "postgres://x:S3cret-pw@127.0.0.1/other"})
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
			status, _, _, body = srcCall(t, c, http.MethodDelete, "/api/v1/sources/orders-db", nil)
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Checkout can delete its sources.", "", "")
			status, _, _, body = srcCall(t, c, http.MethodPost, "/api/v1/sources/orders-db/crawl", nil)
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Checkout can start crawls of its sources.", "", "")
			app.assertSourceCounts(t, before, nil)
		})
	}

	t.Run("owner", func(t *testing.T) {
		omar := app.tokenFor(t, "omar", models.TokenRolePersonal)
		before := app.sourceCounts(t)
		// Not in a domain omar does not own.
		status, _, _, body := srcCall(t, omar, http.MethodPost, "/api/v1/sources", newSourceBody("Consents DB", "customer", pgDSN))
		assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can register its sources.", "", "")
		status, _, _, body = srcCall(t, omar, http.MethodPatch, "/api/v1/sources/crm-db", map[string]any{"name": "Mine"})
		assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can change its sources.", "", "")
		status, _, _, body = srcCall(t, omar, http.MethodDelete, "/api/v1/sources/crm-db", nil)
		assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
		status, _, _, body = srcCall(t, omar, http.MethodPost, "/api/v1/sources/crm-db/crawl", nil)
		assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can start crawls of its sources.", "", "")
		// Nor move a source of checkout there.
		status, _, _, body = srcCall(t, omar, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"domain": "customer"})
		assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can move sources into it.", "", "")
		app.assertSourceCounts(t, before, nil)

		// In checkout, everything.
		status, hdr, raw, body := srcCall(t, omar, http.MethodPost, "/api/v1/sources", newSourceBody("Refunds DB", "checkout", pgDSN))
		if status != http.StatusCreated || hdr.Get("Location") != "/api/v1/sources/refunds-db" || body["domain"] != "checkout" {
			t.Fatalf("owner create: %d %s", status, raw)
		}
		if e := app.lastAudit(t, "source", "refunds-db"); e.Actor != "omar@example.com (token matrix)" {
			t.Errorf("audit actor %q", e.Actor)
		}
		status, _, _, body = srcCall(t, omar, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"name": "Orders (omar)"})
		if status != http.StatusOK || body["name"] != "Orders (omar)" {
			t.Errorf("owner patch: %d %v", status, body)
		}
		status, _, raw, _ = srcCall(t, omar, http.MethodDelete, "/api/v1/sources/refunds-db", nil)
		if status != http.StatusNoContent {
			t.Errorf("owner delete: %d %s", status, raw)
		}
		app.assertSourceCounts(t, before, map[string]int64{"audit_entries": 3})
	})
}

// stallingServer accepts TCP connections and never answers, so a crawl of
// a source pointing at it stays running until the server is closed.
type stallingServer struct {
	ln       net.Listener
	mu       sync.Mutex
	conns    []net.Conn
	accepted chan struct{}
}

func newStallingServer(t *testing.T) *stallingServer {
	s := &stallingServer{ln: listenLoopback(t), accepted: make(chan struct{}, 16)}
	go func() {
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			select {
			case s.accepted <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *stallingServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// close stops listening and drops every connection, failing what waits on it.
func (s *stallingServer) close() {
	s.ln.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// waitForRun polls a run until it is no longer running (at most 20 s).
func waitForRun(t *testing.T, c *apiClient, id any) map[string]any {
	t.Helper()
	path := fmt.Sprintf("/api/v1/runs/%v", id)
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, _, raw, body := srcCall(t, c, http.MethodGet, path, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, status, raw)
		}
		if body["status"] != models.RunRunning {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %v still running after 20 s: %s", id, raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAPISourceCrawl(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	stall := newStallingServer(t)
	dsn := fmt.Sprintf("postgres://reader:St4ll-pw@127.0.0.1:%d/test", stall.port())
	if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", newSourceBody("Slow DB", "checkout", dsn)); status != http.StatusCreated {
		t.Fatalf("setup: %d %s", status, raw)
	}

	before := app.sourceCounts(t)
	start := time.Now()
	status, hdr, raw, run := srcCall(t, ada, http.MethodPost, "/api/v1/sources/slow-db/crawl", nil)
	if status != http.StatusAccepted {
		t.Fatalf("crawl: %d %s", status, raw)
	}
	id, _ := run["id"].(float64)
	if id < 1 || hdr.Get("Location") != fmt.Sprintf("/api/v1/runs/%d", int(id)) || run["url"] != hdr.Get("Location") {
		t.Errorf("run id %v, Location %q, url %v", run["id"], hdr.Get("Location"), run["url"])
	}
	for k, v := range map[string]any{"source": "slow-db", "trigger": "manual", "status": "running", "finished_at": nil,
		"actor": "ada@example.com (token test)", "error": "", "assets_seen": 0.0, "progress": 0.0, "scheduled_for": nil} {
		if got, has := run[k]; !has || got != v {
			t.Errorf("run %s = %#v, want %#v", k, got, v)
		}
	}
	if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(run["started_at"])); err != nil || at.Before(start.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
		t.Errorf("started_at %v", run["started_at"])
	}
	app.assertSourceCounts(t, before, map[string]int64{"crawl_runs": 1})

	select {
	case <-stall.accepted: // the crawler is connecting, and waiting
	case <-time.After(10 * time.Second):
		t.Fatal("the crawler never connected")
	}
	// A second crawl while the first runs.
	status, _, _, body := srcCall(t, ada, http.MethodPost, "/api/v1/sources/slow-db/crawl", nil)
	assertAPIError(t, status, body, http.StatusConflict, "conflict", "A crawl of this source is already running.", "", "")
	// Deleting the source waits for the crawl.
	status, _, _, body = srcCall(t, ada, http.MethodDelete, "/api/v1/sources/slow-db", nil)
	assertAPIError(t, status, body, http.StatusConflict, "conflict", "A crawl of Slow DB is running; delete the source when it has finished.", "", "")
	app.assertSourceCounts(t, before, map[string]int64{"crawl_runs": 1})

	// The run as it goes.
	status, _, _, body = srcCall(t, ada, http.MethodGet, fmt.Sprintf("/api/v1/runs/%d", int(id)), nil)
	if status != http.StatusOK || body["status"] != "running" || body["source"] != "slow-db" || body["finished_at"] != nil {
		t.Errorf("running run: %d %v", status, body)
	}
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/slow-db", nil)
	if last, _ := body["last_run"].(map[string]any); status != http.StatusOK || last["id"] != id || last["status"] != "running" {
		t.Errorf("last_run while running: %v", body["last_run"])
	}

	// The server goes away: the crawl fails, with the reason and no password.
	stall.close()
	done := waitForRun(t, ada, int(id))
	if done["status"] != models.RunFailed || done["error"] == "" || done["error_reason"] == "" || done["finished_at"] == nil {
		t.Errorf("finished run: %v", done)
	}
	if d, _ := done["duration_ms"].(float64); d < 0 || d > 20000 {
		t.Errorf("duration_ms %v", done["duration_ms"])
	}
	if strings.Contains(fmt.Sprint(done["error"]), "St4ll-pw") {
		t.Errorf("the error names the password: %v", done["error"])
	}

	// Now it may run again; runs list newest first.
	status, _, raw, second := srcCall(t, ada, http.MethodPost, "/api/v1/sources/slow-db/crawl", nil)
	if status != http.StatusAccepted {
		t.Fatalf("second crawl: %d %s", status, raw)
	}
	waitForRun(t, ada, second["id"])
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/slow-db/runs", nil)
	items, _ := body["items"].([]any)
	if status != http.StatusOK || len(items) != 2 || items[0].(map[string]any)["id"] != second["id"] || items[1].(map[string]any)["id"] != id {
		t.Errorf("runs: %d %v", status, body)
	}
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/slow-db/runs?limit=1", nil)
	if items, _ := body["items"].([]any); status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["id"] != second["id"] {
		t.Errorf("runs?limit=1: %d %v", status, body)
	}
	status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources", nil)
	if items, _ := body["items"].([]any); status != http.StatusOK || len(items) != 1 || obj(obj(items[0])["last_run"])["id"] != second["id"] {
		t.Errorf("list last_run: %d %v", status, body)
	}
	for _, q := range []string{"limit=abc", "limit=0", "limit=-1", "limit=1.5"} {
		status, _, _, body = srcCall(t, ada, http.MethodGet, "/api/v1/sources/slow-db/runs?"+q, nil)
		assertAPIError(t, status, body, http.StatusBadRequest, "bad_request", "limit must be a whole number from 1 to 100.", "", "")
	}
	// After the crawls, the source can go, and its runs with it.
	before = app.sourceCounts(t)
	if status, _, raw, _ := srcCall(t, ada, http.MethodDelete, "/api/v1/sources/slow-db", nil); status != http.StatusNoContent {
		t.Errorf("delete: %d %s", status, raw)
	}
	app.assertSourceCounts(t, before, map[string]int64{"sources": -1, "crawl_runs": -2, "audit_entries": 1})
	status, _, _, body = srcCall(t, ada, http.MethodGet, fmt.Sprintf("/api/v1/runs/%d", int(id)), nil)
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", fmt.Sprintf("There is no run %d.", int(id)), "", "")
}

// A crawl of the local PostgreSQL: it succeeds once the connector can read
// database "test" as reader, and otherwise fails with a reason; either way
// without the password.
func TestAPISourceCrawlPostgres(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", newSourceBody("Test DB", "checkout", pgDSN)); status != http.StatusCreated {
		t.Fatalf("setup: %d %s", status, raw)
	}
	status, hdr, raw, run := srcCall(t, ada, http.MethodPost, "/api/v1/sources/test-db/crawl", nil)
	if status != http.StatusAccepted || run["status"] != "running" || run["trigger"] != "manual" || run["source"] != "test-db" ||
		hdr.Get("Location") != fmt.Sprintf("/api/v1/runs/%v", run["id"]) {
		t.Fatalf("crawl: %d %s", status, raw)
	}
	done := waitForRun(t, ada, run["id"])
	switch done["status"] {
	case models.RunSucceeded:
		if done["error"] != "" || done["finished_at"] == nil {
			t.Errorf("succeeded run: %v", done)
		}
		_, _, _, src := srcCall(t, ada, http.MethodGet, "/api/v1/sources/test-db", nil)
		_, _, _, assets := srcCall(t, ada, http.MethodGet, "/api/v1/sources/test-db/assets?per_page=200", nil)
		if src["assets"] != done["assets_seen"] || assets["total"] != done["assets_seen"] {
			t.Errorf("assets_seen %v, source assets %v, assets total %v", done["assets_seen"], src["assets"], assets["total"])
		}
		t.Logf("crawl succeeded: %v assets", done["assets_seen"])
	case models.RunFailed:
		if done["error"] == "" || done["error_reason"] == "" {
			t.Errorf("failed run without a reason: %v", done)
		}
		t.Logf("crawl failed (%v): %v", done["error_reason"], done["error"])
	default:
		t.Errorf("run ended %v", done["status"])
	}
	if strings.Contains(fmt.Sprint(done), "S3cret-pw") {
		t.Errorf("the run names the password: %v", done)
	}
}

func TestAPISourceRunsAndAssets(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	vera := app.apiAs(t, "vera@example.com", models.TokenRoleViewer)
	if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", newSourceBody("Orders DB", "checkout", pgDSN)); status != http.StatusCreated {
		t.Fatalf("setup: %d %s", status, raw)
	}

	// A source never crawled.
	status, _, _, body := srcCall(t, vera, http.MethodGet, "/api/v1/sources/orders-db/assets", nil)
	if items, ok := body["items"].([]any); status != http.StatusOK || !ok || len(items) != 0 || body["total"] != 0.0 ||
		body["page"] != 1.0 || body["per_page"] != 50.0 || body["pages"] != 1.0 {
		t.Errorf("assets of an uncrawled source: %d %v", status, body)
	}
	status, _, _, body = srcCall(t, vera, http.MethodGet, "/api/v1/sources/orders-db/runs", nil)
	if items, ok := body["items"].([]any); status != http.StatusOK || !ok || len(items) != 0 {
		t.Errorf("runs of an uncrawled source: %d %v", status, body)
	}

	for _, tc := range []struct {
		path              string
		status            int
		code, field, fmsg string
	}{
		{"/api/v1/sources/orders-db/assets?sort=bogus", 422, "invalid", "sort", "Sort by one of: name, size, rows, changed, reads, last_read, first_seen."},
		{"/api/v1/sources/orders-db/assets?order=up", 422, "invalid", "order", "Order is asc or desc."},
		{"/api/v1/sources/orders-db/assets?usage=often", 422, "invalid", "usage", "Usage is read, unread or unknown."},
		{"/api/v1/sources/orders-db/assets?unchanged_days=4000", 422, "invalid", "unchanged_days", "Use a number of days from 0 to 3650."},
		{"/api/v1/sources/orders-db/assets?unchanged_days=week", 400, "bad_request", "", ""},
		{"/api/v1/sources/orders-db/assets?page=abc", 400, "bad_request", "", ""},
		{"/api/v1/sources/orders-db/assets?per_page=x", 400, "bad_request", "", ""},
		{"/api/v1/sources/orders-db/assets?include_gone=maybe", 400, "bad_request", "", ""},
		{"/api/v1/sources/nope/assets", 404, "not_found", "", ""},
		{"/api/v1/sources/nope/runs", 404, "not_found", "", ""},
		{"/api/v1/sources/nope", 404, "not_found", "", ""},
		{"/api/v1/runs/abc", 404, "not_found", "", ""},
		{"/api/v1/runs/0", 404, "not_found", "", ""},
		{"/api/v1/runs/-1", 404, "not_found", "", ""},
		{"/api/v1/runs/99999", 404, "not_found", "", ""},
		{"/api/v1/runs/99999999999999999999", 404, "not_found", "", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, _, _, body := srcCall(t, vera, http.MethodGet, tc.path, nil)
			assertAPIError(t, status, body, tc.status, tc.code, "", tc.field, tc.fmsg)
		})
	}

	// Assets as a crawl would have stored them.
	src, err := app.Store.GetSource(context.Background(), "orders-db")
	if err != nil {
		t.Fatal(err)
	}
	i64 := func(n int64) *int64 { return &n }
	f64 := func(f float64) *float64 { return &f }
	seen := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	gone := seen.Add(time.Hour)
	assets := []models.Asset{
		{SourceID: src.ID, Key: "public.orders", Schema: "public", Name: "orders", Kind: "table", Columns: `[{"name":"id","type":"bigint"},{"name":"total","type":"numeric"}]`,
			FirstSeenAt: seen, LastSeenAt: seen, SizeBytes: i64(5000), RowEstimate: i64(120), LastChangeAt: &seen, LastChangeHow: models.MeasuredCounters,
			UsageKnown: true, ReadsPerDay: f64(2.5), LastReadAt: &seen, LastReadHow: models.MeasuredReadCounters},
		{SourceID: src.ID, Key: "public.order_lines", Schema: "public", Name: "order_lines", Kind: "table", Columns: "[]",
			FirstSeenAt: seen, LastSeenAt: seen, SizeBytes: i64(9000), UsageKnown: false, ReadsPerDay: f64(7)},
		{SourceID: src.ID, Key: "public.v_orders", Schema: "public", Name: "v_orders", Kind: "view", Columns: "",
			FirstSeenAt: seen, LastSeenAt: seen},
		{SourceID: src.ID, Key: "public.old", Schema: "public", Name: "old", Kind: "table", Columns: "[]",
			FirstSeenAt: seen, LastSeenAt: seen, GoneAt: &gone, SizeBytes: i64(1)},
	}
	if err := app.Store.DB().Omit("Source").Create(&assets).Error; err != nil {
		t.Fatal(err)
	}
	keys := func(body map[string]any) []string {
		var out []string
		for _, it := range body["items"].([]any) {
			out = append(out, it.(map[string]any)["key"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		keys  []string
		total float64
		pages float64
	}{
		{"", []string{"public.order_lines", "public.orders", "public.v_orders"}, 3, 1},
		{"?sort=size&order=asc", []string{"public.orders", "public.order_lines", "public.v_orders"}, 3, 1},
		{"?sort=name", []string{"public.order_lines", "public.orders", "public.v_orders"}, 3, 1},
		{"?kind=view", []string{"public.v_orders"}, 1, 1},
		{"?q=ORDER_", []string{"public.order_lines"}, 1, 1},
		{"?include_gone=true&sort=name", []string{"public.old", "public.order_lines", "public.orders", "public.v_orders"}, 4, 1},
		{"?sort=name&per_page=2&page=2", []string{"public.v_orders"}, 3, 2},
		{"?usage=read", []string{"public.orders"}, 1, 1},
		{"?usage=unknown&sort=name", []string{"public.order_lines", "public.v_orders"}, 2, 1},
		{"?unchanged_days=1", []string{"public.orders"}, 1, 1},
	} {
		t.Run("assets"+tc.query, func(t *testing.T) {
			status, _, _, body := srcCall(t, vera, http.MethodGet, "/api/v1/sources/orders-db/assets"+tc.query, nil)
			if got := keys(body); status != http.StatusOK || !sameStrings(got, tc.keys) || body["total"] != tc.total || body["pages"] != tc.pages {
				t.Errorf("%d keys %q total %v pages %v, want %q %v %v", status, got, body["total"], body["pages"], tc.keys, tc.total, tc.pages)
			}
		})
	}
	_, _, raw, body := srcCall(t, vera, http.MethodGet, "/api/v1/sources/orders-db/assets?sort=name&include_gone=true", nil)
	byKey := map[string]map[string]any{}
	for _, it := range body["items"].([]any) {
		a := it.(map[string]any)
		byKey[a["key"].(string)] = a
	}
	orders := byKey["public.orders"]
	for k, v := range map[string]any{"schema": "public", "name": "orders", "kind": "table", "parent": "", "size_bytes": 5000.0, "rows": 120.0,
		"files": nil, "first_seen_at": "2025-03-01T12:00:00Z", "gone_at": nil, "last_change_at": "2025-03-01T12:00:00Z",
		"last_change_measured_by": "write counters", "usage_known": true, "reads_per_day": 2.5, "last_read_measured_by": "read counters"} {
		if got, has := orders[k]; !has || got != v {
			t.Errorf("orders %s = %#v, want %#v", k, got, v)
		}
	}
	cols, _ := json.Marshal(orders["columns"])
	if string(cols) != `[{"name":"id","type":"bigint"},{"name":"total","type":"numeric"}]` {
		t.Errorf("columns %s", cols)
	}
	lines := byKey["public.order_lines"]
	if has := lines != nil; !has || lines["usage_known"] != false || lines["reads_per_day"] != nil || lines["rows"] != nil || lines["last_change_at"] != nil {
		t.Errorf("unknown usage must read as null: %v", lines)
	}
	if c, ok := lines["columns"].([]any); !ok || len(c) != 0 {
		t.Errorf("no columns should be [], got %#v", lines["columns"])
	}
	if c, ok := byKey["public.v_orders"]["columns"].([]any); !ok || len(c) != 0 {
		t.Errorf("unreadable columns should be [], got %#v", byKey["public.v_orders"]["columns"])
	}
	if old := byKey["public.old"]; old == nil || old["gone_at"] != "2025-03-01T13:00:00Z" {
		t.Errorf("gone asset: %v", old)
	}
	for key, a := range byKey {
		for _, internal := range []string{"id", "source_id", "read_count", "writes", "counters_epoch", "Columns"} {
			if _, has := a[internal]; has {
				t.Errorf("asset %s has the internal field %s", key, internal)
			}
		}
	}
	if len(byKey) != 4 {
		t.Errorf("include_gone lists %d assets: %s", len(byKey), raw)
	}
	// The source's totals count current assets only.
	_, _, _, body = srcCall(t, vera, http.MethodGet, "/api/v1/sources/orders-db", nil)
	if body["assets"] != 3.0 || body["total_bytes"] != 14000.0 {
		t.Errorf("totals: assets %v total_bytes %v", body["assets"], body["total_bytes"])
	}
	_, _, _, body = srcCall(t, vera, http.MethodGet, "/api/v1/sources", nil)
	if it := body["items"].([]any)[0].(map[string]any); it["assets"] != 3.0 || it["total_bytes"] != 14000.0 {
		t.Errorf("list totals: assets %v total_bytes %v", it["assets"], it["total_bytes"])
	}
}

// TestAPISourceKeepPassword changes a source's host through the API without
// sending the password again.
func TestAPISourceKeepPassword(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	if status, _, raw, _ := srcCall(t, ada, http.MethodPost, "/api/v1/sources", newSourceBody("Orders DB", "checkout", pgDSN)); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, raw)
	}
	status, _, raw, _ := srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db",
		map[string]any{"dsn": "postgres://reader@127.0.0.1:5432/other_db", "keep_password": true})
	if status != http.StatusOK {
		t.Fatalf("patch: %d %s", status, raw)
	}
	if dsn := app.storedDSN(t, "orders-db"); !strings.Contains(dsn, "reader:S3cret-pw@127.0.0.1:5432/other_db") {
		t.Errorf("keep_password lost the password or the new database: %v", strings.Contains(dsn, "other_db"))
	}
	// Never to another host: the stored password would go to whoever runs it.
	status, _, raw, body := srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db",
		map[string]any{"dsn": "postgres://reader@evil.example.com:5432/test", "keep_password": true})
	if _, fields := apiError(body); status != http.StatusUnprocessableEntity || fields["dsn"] == nil {
		t.Errorf("keep_password to another host: %d %s", status, raw)
	}
	if dsn := app.storedDSN(t, "orders-db"); strings.Contains(dsn, "evil") {
		t.Error("the refused patch changed the connection")
	}
	srcCall(t, ada, http.MethodPatch, "/api/v1/sources/orders-db", map[string]any{"dsn": "postgres://reader@127.0.0.1:5432/test"})
	if dsn := app.storedDSN(t, "orders-db"); strings.Contains(dsn, "S3cret-pw") {
		t.Error("a DSN sent without password and without keep_password kept the old password")
	}
}
