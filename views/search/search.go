package search

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// PageData is the search page.
type PageData struct {
	Page   views.Page
	Result *models.SearchPage
	Errors models.FieldErrors
}

// Highlighted is text with the first case-insensitive occurrence of q
// marked; both parts are escaped by templ.
type Highlighted struct {
	Before, Match, After string
}

// Highlight splits text around q.
func Highlight(text, q string) Highlighted {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return Highlighted{Before: text}
	}
	i := strings.Index(strings.ToLower(text), q)
	if i < 0 || len(strings.ToLower(text)) != len(text) {
		return Highlighted{Before: text}
	}
	return Highlighted{Before: text[:i], Match: text[i : i+len(q)], After: text[i+len(q):]}
}

func kindLabel(kind string) string {
	switch kind {
	case models.SearchProduct:
		return "product"
	case models.SearchProperty:
		return "contract property"
	}
	return kind
}

// facetURL is the search with one facet set to value ("" drops it).
func (d PageData) facetURL(facet, value string) string {
	q := d.Result.Query
	v := url.Values{"q": {q.Q}}
	set := map[string]string{"kind": q.Kind, "domain": q.Domain, "classification": q.Classification, "status": q.Status, "source_kind": q.SourceKind}
	set[facet] = value
	for k, val := range set {
		if val != "" {
			v.Set(k, val)
		}
	}
	return "/search?" + v.Encode()
}

func (d PageData) selected(facet string) string {
	q := d.Result.Query
	return map[string]string{"kind": q.Kind, "domain": q.Domain, "classification": q.Classification, "status": q.Status, "source_kind": q.SourceKind}[facet]
}

func (d PageData) nextURL() templ.SafeURL {
	u, _ := url.Parse(d.facetURL("kind", d.Result.Query.Kind))
	v := u.Query()
	v.Set("cursor", d.Result.Next)
	return templ.SafeURL("/search?" + v.Encode())
}

func facetTitle(f string) string {
	return map[string]string{"kind": "Kind", "domain": "Domain", "classification": "Classification", "status": "Status", "source_kind": "Source kind"}[f]
}

// Facets lists the facets in the order the page shows them.
func Facets() []string { return []string{"kind", "domain", "classification", "status", "source_kind"} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func urlQuery(s string) string { return url.QueryEscape(s) }

// marked writes h with its match in <mark>, escaped, without the spaces
// templ would put between the parts.
func marked(h Highlighted) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		out := templ.EscapeString(h.Before)
		if h.Match != "" {
			out += "<mark>" + templ.EscapeString(h.Match) + "</mark>"
		}
		_, err := io.WriteString(w, out+templ.EscapeString(h.After))
		return err
	})
}
