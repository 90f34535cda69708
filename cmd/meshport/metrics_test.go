package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsCountTheStatusSent: refused and invalid requests are counted
// under the status the client got, not as server errors.
func TestMetricsCountTheStatusSent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	if status, _ := ada.call(http.MethodPost, "/api/v1/domains", map[string]any{"name": ""}); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad domain: status %d, want 422", status)
	}
	if status, _ := (&apiClient{t: t, base: app.URL}).call(http.MethodGet, "/api/v1/domains", nil); status != http.StatusUnauthorized {
		t.Fatalf("no token: status %d, want 401", status)
	}
	res, err := http.Get(app.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	metrics := string(body)
	for _, want := range []string{
		`meshport_http_requests_total{code="422",host="",method="POST",url="/api/v1/domains"} 1`,
		`meshport_http_requests_total{code="401",host="",method="GET",url="/api/v1/domains"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, `meshport_http_requests_total{code="500"`) {
		t.Errorf("metrics count a 500 although none was sent")
	}
}
