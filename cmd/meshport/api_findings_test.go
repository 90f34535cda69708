package main

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// approx compares money, which is summed in floating point.
func approx(v any, want float64) bool {
	f, ok := v.(float64)
	return ok && math.Abs(f-want) < 1e-9
}

func findingTitlesOf(body map[string]any) []string {
	list, _ := body["findings"].([]any)
	out := []string{}
	for _, f := range list {
		title, _ := obj(f)["title"].(string)
		out = append(out, title)
	}
	return out
}

func TestAPIFindingList(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, testAPIFindingList)
}

func testAPIFindingList(t *testing.T, app *testApp) {
	seed := seedFindings(t, app)
	vera := app.apiAs(t, "vera@example.com", models.TokenRoleViewer)

	status, body := vera.call(http.MethodGet, "/api/v1/findings", nil)
	if status != http.StatusOK {
		t.Fatalf("list: %d %v", status, body)
	}
	if got := findingTitlesOf(body); !sameStrings(got, []string{"public.orders_2019", "analytics.orders", "public.tmp_export"}) {
		t.Errorf("findings %q", got)
	}
	if body["total"] != float64(3) || body["page"] != float64(1) || body["per_page"] != float64(50) || body["pages"] != float64(1) {
		t.Errorf("paging %v %v %v %v", body["total"], body["page"], body["per_page"], body["pages"])
	}
	totals := obj(body["totals"])
	if totals["findings"] != float64(3) || totals["bytes"] != float64(5.5e9) || !approx(totals["cost_per_month"], 0.55) || totals["currency"] != "USD" {
		t.Errorf("totals %v", totals)
	}
	byDomain, _ := body["by_domain"].([]any)
	if len(byDomain) != 1 || fmt.Sprint(obj(byDomain[0])) != "map[bytes:5.5e+09 cost_per_month:0.55 findings:3 name:Checkout slug:checkout]" {
		t.Errorf("by_domain %v", byDomain)
	}
	bySource, _ := body["by_source"].([]any)
	if len(bySource) != 1 || obj(bySource[0])["slug"] != "shop" || obj(bySource[0])["name"] != "Shop" || obj(bySource[0])["findings"] != float64(3) {
		t.Errorf("by_source %v", bySource)
	}
	if fmt.Sprint(obj(body["groups"])) != "map[contracts:0 dark-data:3 stale:1 unused:0 usage-unknown:1]" {
		t.Errorf("groups %v", body["groups"])
	}
	first := obj(body["findings"].([]any)[0])
	id := app.findingIDOf(t, "public.orders_2019")
	want := map[string]any{
		"id": float64(id), "kind": "dark data", "group": "dark-data", "title": "public.orders_2019", "status": "open",
		"usage_known": true, "size_bytes": float64(3e9),
		"closed_at": nil, "close_reason": "", "note": "", "until": nil, "decided_by": "",
		"domain": "checkout", "source": "shop", "product": nil, "url": fmt.Sprintf("/api/v1/findings/%d", id),
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("%s = %v, want %v", k, first[k], v)
		}
	}
	if !sameStrings(strs(first["reasons"]), []string{"unowned", "unread"}) || !approx(first["cost_per_month"], 0.3) {
		t.Errorf("reasons %v, cost %v", first["reasons"], first["cost_per_month"])
	}
	if since, err := time.Parse(time.RFC3339, fmt.Sprint(first["since"])); err != nil || !since.Equal(seed.lastRead) {
		t.Errorf("since %v, want %s", first["since"], seed.lastRead.Format(time.RFC3339))
	}
	if _, has := first["history"]; has {
		t.Error("the list carries histories")
	}
	if len(first) != len(want)+4 { // reasons, cost_per_month, since, opened_at
		t.Errorf("unexpected fields: %v", first)
	}

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"reason=unread&size=1GB", []string{"public.orders_2019", "analytics.orders"}},
		{"reason=both", []string{"public.orders_2019"}},
		{"domain=customer", []string{}},
		{"source=shop&sort=name", []string{"analytics.orders", "public.orders_2019", "public.tmp_export"}},
		{"per_page=2&page=2", []string{"public.tmp_export"}},
		{"group=usage-unknown", []string{"crm.old_contacts"}},
		{"group=stale", []string{"Orders"}},
		{"status=all&group=unused", []string{}},
	} {
		status, body := vera.call(http.MethodGet, "/api/v1/findings?"+tc.query, nil)
		if got := findingTitlesOf(body); status != http.StatusOK || !sameStrings(got, tc.want) {
			t.Errorf("%s: %d %q, want %q", tc.query, status, got, tc.want)
		}
	}
	_, body = vera.call(http.MethodGet, "/api/v1/findings?group=usage-unknown", nil)
	contacts := obj(body["findings"].([]any)[0])
	if contacts["usage_known"] != false || contacts["source"] != "crm" || contacts["domain"] != "customer" || !sameStrings(strs(contacts["reasons"]), []string{"unowned"}) {
		t.Errorf("usage-unknown finding %v", contacts)
	}
	_, body = vera.call(http.MethodGet, "/api/v1/findings?group=stale", nil)
	orders := obj(body["findings"].([]any)[0])
	if orders["kind"] != "stale product" || orders["product"] != "checkout/orders" || orders["source"] != nil || !sameStrings(strs(orders["reasons"]), []string{"stale"}) {
		t.Errorf("stale product finding %v", orders)
	}

	// Bad filters: 422 with a message per field; numbers that are not: 400.
	status, body = vera.call(http.MethodGet, "/api/v1/findings?size=5MB&sort=popularity", nil)
	assertAPIError(t, status, body, http.StatusUnprocessableEntity, "invalid", "", "size", "Choose a minimum size of 1MB, 100MB, 1GB, 10GB, 100GB.")
	if _, fields := apiError(body); fields["sort"] != "Sort by one of: size, cost, age, name." || len(fields) != 2 {
		t.Errorf("fields %v", fields)
	}
	status, body = vera.call(http.MethodGet, "/api/v1/findings?domain=nope", nil)
	assertAPIError(t, status, body, http.StatusUnprocessableEntity, "invalid", "", "domain", `There is no domain "nope".`)
	status, body = vera.call(http.MethodGet, "/api/v1/findings?per_page=501", nil)
	assertAPIError(t, status, body, http.StatusUnprocessableEntity, "invalid", "", "per_page", "Show between 1 and 500 findings per page.")
	status, body = vera.call(http.MethodGet, "/api/v1/findings?page=two", nil)
	assertAPIError(t, status, body, http.StatusBadRequest, "bad_request", "page and per_page must be whole numbers.", "", "")
	if status, _ := (&apiClient{t: t, base: app.URL}).call(http.MethodGet, "/api/v1/findings", nil); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", status)
	}
}

func TestAPIFindingGetAndDecide(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, testAPIFindingGetAndDecide)
}

func testAPIFindingGetAndDecide(t *testing.T, app *testApp) {
	seedFindings(t, app)
	id := app.findingIDOf(t, "public.orders_2019")
	path := fmt.Sprintf("/api/v1/findings/%d", id)
	omar := app.apiAs(t, "omar@example.com", "")
	vera := app.apiAs(t, "vera@example.com", models.TokenRoleViewer)

	status, body := vera.call(http.MethodGet, path, nil)
	history, _ := body["history"].([]any)
	if status != http.StatusOK || body["title"] != "public.orders_2019" || len(history) != 1 ||
		fmt.Sprint(without(obj(history[0]), "at")) != "map[actor: event:opened note:unowned and unread]" {
		t.Errorf("get: %d %v", status, body)
	}
	for _, p := range []string{"/api/v1/findings/999999", "/api/v1/findings/abc"} {
		status, body := vera.call(http.MethodGet, p, nil)
		assertAPIError(t, status, body, http.StatusNotFound, "not_found", "", "", "")
	}

	until := time.Now().UTC().AddDate(0, 6, 0).Format(time.DateOnly)
	decide := path + "/decision"
	before := app.findingCounts(t, id)
	unchanged := func(what string) {
		t.Helper()
		if after := app.findingCounts(t, id); after != before {
			t.Errorf("%s wrote: %+v → %+v", what, before, after)
		}
	}
	status, body = omar.call(http.MethodPost, decide, `{"action": "keep",`)
	assertAPIError(t, status, body, http.StatusBadRequest, "bad_request", "", "", "")
	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "keep", "reason": "x"})
	assertAPIError(t, status, body, http.StatusBadRequest, "bad_request", "", "reason", "Unknown field.")
	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "keep", "note": 5})
	assertAPIError(t, status, body, http.StatusBadRequest, "bad_request", "", "note", "Must be a string.")
	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "keep"})
	assertAPIError(t, status, body, http.StatusUnprocessableEntity, "invalid", "", "note", "Say why, so the next person knows.")
	if _, fields := apiError(body); fields["until"] != "Say until when the archive is kept; it is reviewed again then." {
		t.Errorf("fields %v", fields)
	}
	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "archive", "note": "x"})
	assertAPIError(t, status, body, http.StatusUnprocessableEntity, "invalid", "", "action", "Choose keep, ignore or undo.")
	status, body = vera.call(http.MethodPost, decide, map[string]any{"action": "keep", "note": "mine", "until": until})
	assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
	status, body = omar.call(http.MethodPost, "/api/v1/findings/999999/decision", map[string]any{"action": "ignore", "note": "x"})
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", "", "", "")
	other := fmt.Sprintf("/api/v1/findings/%d/decision", app.findingIDOf(t, "crm.old_contacts"))
	status, body = omar.call(http.MethodPost, other, map[string]any{"action": "ignore", "note": "not mine"})
	assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can decide on its findings.", "", "")
	unchanged("refused decisions")

	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "keep", "note": "Tax audit", "until": until})
	history, _ = body["history"].([]any)
	if status != http.StatusOK || body["status"] != "kept" || body["until"] != until || body["note"] != "Tax audit" ||
		body["decided_by"] != "omar@example.com (token test)" || len(history) != 2 || obj(history[0])["event"] != "kept" {
		t.Errorf("keep: %d %v", status, body)
	}
	after := app.findingCounts(t, id)
	if after.status != models.FindingKept || after.events != before.events+1 || after.audits != before.audits+1 {
		t.Errorf("after keep %+v, before %+v", after, before)
	}
	if _, body := vera.call(http.MethodGet, "/api/v1/findings?status=kept", nil); !sameStrings(findingTitlesOf(body), []string{"public.orders_2019"}) {
		t.Errorf("kept list %v", findingTitlesOf(body))
	}

	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "undo"})
	if status != http.StatusOK || body["status"] != "open" || body["until"] != nil || body["note"] != "" || body["decided_by"] != "" {
		t.Errorf("undo: %d %v", status, body)
	}
	status, body = omar.call(http.MethodPost, decide, map[string]any{"action": "ignore", "note": "Scratch table"})
	if status != http.StatusOK || body["status"] != "ignored" || body["until"] != nil {
		t.Errorf("ignore: %d %v", status, body)
	}
	if after := app.findingCounts(t, id); after.events != before.events+3 || after.audits != before.audits+3 {
		t.Errorf("three decisions: %+v, before %+v", after, before)
	}
}

// without is m less the given keys.
func without(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}
