package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/meshport/meshport/models"
)

// ListSummary says what a searched list shows: "Showing 1–50 of 63
// domains", "No domain matches." or "No domains yet.".
func ListSummary[T any](p models.ListPage[T], q, one, many string) string {
	switch {
	case p.Total == 0 && strings.TrimSpace(q) != "":
		return "No " + one + " matches."
	case p.Total == 0:
		return "No " + many + " yet."
	}
	from := p.First()
	return fmt.Sprintf("Showing %d–%d of %d %s", from, from+len(p.Items)-1, p.Total, many)
}

// SearchPageURL is a searched list's address (base) for page n, with the
// search q kept.
func SearchPageURL(base, q string, n int) string {
	v := url.Values{}
	if q = strings.TrimSpace(q); q != "" {
		v.Set("q", q)
	}
	v.Set("page", strconv.Itoa(n))
	return base + "?" + v.Encode()
}
