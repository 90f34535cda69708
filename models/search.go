package models

import (
	"cmp"
	"context"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SearchQuery is a search as a person or the API asks it.
type SearchQuery struct {
	Q              string `query:"q"`
	Kind           string `query:"kind"`
	Domain         string `query:"domain"`
	Classification string `query:"classification"`
	Status         string `query:"status"`
	SourceKind     string `query:"source_kind"`
	// Cursor continues a result (opaque; from SearchPage.Next).
	Cursor string `query:"cursor"`
	Limit  int    `query:"limit"`
	// Suggest leaves the facets out: the typeahead shows the best few.
	Suggest bool `query:"-"`
}

// Normalize trims the query and fills defaults; the text is cut at 200
// characters (longer input is answered, not refused).
func (q *SearchQuery) Normalize() {
	// Control characters and broken UTF-8 mean nothing in a search (and
	// PostgreSQL refuses NUL in text).
	q.Q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q.Q, " "))
	q.Q = strings.Join(strings.Fields(q.Q), " ")
	if utf8.RuneCountInString(q.Q) > 200 {
		q.Q = string([]rune(q.Q)[:200])
	}
	facet := func(v string, max int) string {
		v = strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(v, "")))
		if len(v) > max {
			v = v[:max]
		}
		return v
	}
	q.Kind, q.Domain, q.Classification = facet(q.Kind, 16), facet(q.Domain, 63), facet(q.Classification, 16)
	q.Status, q.SourceKind = facet(q.Status, 16), facet(q.SourceKind, 16)
	switch {
	case q.Limit <= 0:
		q.Limit = 20
	case q.Limit > 100:
		q.Limit = 100
	}
}

// Validate refuses unknown facet values and a cursor that is not one.
func (q *SearchQuery) Validate() FieldErrors {
	errs := FieldErrors{}
	if q.Kind != "" && !oneOf(q.Kind, SearchKinds()) {
		errs.Add("kind", "Choose one of: "+strings.Join(SearchKinds(), ", ")+".")
	}
	if q.Domain != "" && !slugPattern.MatchString(q.Domain) {
		errs.Add("domain", "Give a domain's slug.")
	}
	for _, f := range []struct{ field, value string }{{"classification", q.Classification}, {"status", q.Status}, {"source_kind", q.SourceKind}} {
		if f.value != "" && !facetValuePattern.MatchString(f.value) {
			errs.Add(f.field, "Give one of the values the facet lists.")
		}
	}
	if _, ok := decodeCursor(q.Cursor); !ok {
		errs.Add("cursor", "This cursor is not one a search gave.")
	}
	return errs
}

// SearchHit is one result.
type SearchHit struct {
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	Title          string `json:"title"`
	Context        string `json:"context"`
	Snippet        string `json:"snippet,omitempty"`
	URL            string `json:"url"`
	Domain         string `json:"domain,omitempty"`
	Classification string `json:"classification,omitempty"`
	Status         string `json:"status,omitempty"`
	SourceKind     string `json:"source_kind,omitempty"`
	// Rank: 0 exact name, 1 name prefix, 2 tags and owners, 3 the rest, 4
	// a near spelling (PostgreSQL).
	Rank int `json:"rank"`

	kindRank int
	id       uint
}

// SearchFacet counts the matches of one facet value.
type SearchFacet struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// SearchPage is one page of results with the facets of the whole match.
type SearchPage struct {
	Query SearchQuery `json:"-"`
	Hits  []SearchHit `json:"items"`
	Total int64       `json:"total"`
	// More: there are more matches than Total counts (the cap).
	More   bool                     `json:"more,omitempty"`
	Facets map[string][]SearchFacet `json:"facets"`
	// Next continues after this page; "" at the end.
	Next string `json:"next,omitempty"`
}

// facetValuePattern is what a status, classification or source kind looks
// like (the stored values are the store's own words).
var facetValuePattern = regexp.MustCompile(`^[a-z][a-z -]{0,15}$`)

func decodeCursor(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	if err != nil || n < 0 || n > 100_000 || !strings.HasPrefix(string(b), "o:") {
		return 0, false
	}
	return n, true
}

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// likeEscape escapes LIKE's wildcards in user text (escape character \).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ftsPhrase quotes text as one FTS5 phrase: its syntax characters then
// mean themselves.
func ftsPhrase(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Search caps: a search ranks at most searchCandidates matches (names
// that equal or start with the text come first, from the name index), and
// counts at most searchCountCap; a broader search says "more than".
const (
	searchCandidates = 1000
	searchCountCap   = 10000
)

// Search finds what matches q, ranked: exact name, then name prefix, then
// tags and owners, then descriptions and columns (and on PostgreSQL a near
// spelling last). Everyone signed in may read the whole catalog, so every
// match is shown.
//
// It works in two steps so a broad word over millions of columns stays
// fast: the names equal to or starting with the text come in index order
// (kind first), the other matches from the text index, at most
// searchCandidates; those are ranked in Go. The facets count the
// candidates (all the matches unless the total is over the cap).
func (s *Store) Search(ctx context.Context, q SearchQuery) (*SearchPage, error) {
	q.Normalize()
	if err := q.Validate().Err(); err != nil {
		return nil, err
	}
	offset, _ := decodeCursor(q.Cursor)
	page := &SearchPage{Query: q, Hits: []SearchHit{}, Facets: map[string][]SearchFacet{}}
	if q.Q == "" {
		return page, nil
	}
	if offset+q.Limit > searchCandidates {
		return page, nil // past what a search ranks: the page says to narrow it
	}
	tx := s.db.WithContext(ctx)
	postgres := tx.Dialector.Name() == "postgres"
	text := strings.ToLower(q.Q)
	filtered := func(db *gorm.DB) *gorm.DB {
		for _, f := range []struct{ col, value string }{{"kind", q.Kind}, {"domain_slug", q.Domain},
			{"classification", q.Classification}, {"status", q.Status}, {"source_kind", q.SourceKind}} {
			if f.value != "" {
				db = db.Where(f.col+" = ?", f.value)
			}
		}
		return db
	}
	// Names equal to or starting with the text, as a range over the name
	// index (in byte order on PostgreSQL, whatever the collation).
	nameCol := "name_key"
	if postgres {
		nameCol = `(name_key COLLATE "C")`
	}
	nameLimit := searchCandidates
	if q.Suggest {
		nameLimit = offset + q.Limit
	}
	var byName []SearchEntry
	err := filtered(tx.Model(&SearchEntry{})).Where(nameCol+" >= ? AND "+nameCol+" < ?", text, text+"\U0010FFFF").
		Order(nameCol + ", kind_rank").Limit(nameLimit).Find(&byName).Error
	if err != nil {
		return nil, internal("search names", err)
	}
	// Everything else that matches, from the text index. On SQLite the
	// FTS table leads the join, so a LIMIT stops it early instead of
	// collecting every matching row first.
	matching := func() *gorm.DB {
		switch {
		case utf8.RuneCountInString(text) < 3:
			// Trigram indexes need three characters: names alone (a LIKE
			// over every row would read the table).
			return nil
		case postgres && strings.Contains(text, " "):
			// Several words: the phrase anywhere (pg_trgm), or the words in
			// any order (the tsvector).
			return tx.Model(&SearchEntry{}).Where(`(lower(name || ' ' || tags || ' ' || body) LIKE ? ESCAPE '\'
				OR search_vector @@ plainto_tsquery('simple', ?))`, "%"+likeEscape(text)+"%", text)
		case postgres:
			return tx.Model(&SearchEntry{}).Where(`lower(name || ' ' || tags || ' ' || body) LIKE ? ESCAPE '\'`, "%"+likeEscape(text)+"%")
		default:
			return tx.Table("search_fts").Joins("JOIN search_entries ON search_entries.id = search_fts.rowid").
				Where("search_fts MATCH ?", ftsPhrase(text))
		}
	}
	countCap := searchCountCap
	if q.Suggest {
		countCap = 1000 // "All 1,000+ results"
	}
	var others []SearchEntry
	var total int64
	if m := matching(); m != nil {
		// The typeahead's best are the names when there are enough of them.
		if !q.Suggest || len(byName) < offset+q.Limit {
			if err := filtered(m).Select("search_entries.*").Limit(searchCandidates).Find(&others).Error; err != nil {
				return nil, internal("search", err)
			}
		}
		counted := filtered(matching()).Select("search_entries.id").Limit(countCap + 1)
		if err := tx.Table("(?) AS m", counted).Count(&total).Error; err != nil {
			return nil, internal("search count", err)
		}
	}
	// Near spellings (pg_trgm), only when the real matches do not fill the
	// page: the similarity of every name is the costly part of a search.
	if postgres && len(byName)+len(others) < offset+q.Limit && utf8.RuneCountInString(text) >= 3 {
		var near []SearchEntry
		err := filtered(tx.Model(&SearchEntry{})).Where("lower(name) % ?", text).
			Order(clause.Expr{SQL: "similarity(lower(name), ?) DESC", Vars: []any{text}}).Limit(q.Limit).Find(&near).Error
		if err != nil {
			return nil, internal("search near spellings", err)
		}
		have := make(map[uint]bool, len(byName)+len(others))
		for _, list := range [][]SearchEntry{byName, others} {
			for _, e := range list {
				have[e.ID] = true
			}
		}
		for _, e := range near {
			if !have[e.ID] {
				others = append(others, e)
				total++
			}
		}
	}
	seen := make(map[uint]bool, len(byName)+len(others))
	var hits []SearchHit
	like := strings.Contains
	for _, list := range [][]SearchEntry{byName, others} {
		for _, e := range list {
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			name := strings.ToLower(e.Name)
			rank := 3
			switch {
			case name == text:
				rank = 0
			case strings.HasPrefix(name, text):
				rank = 1
			case like(strings.ToLower(e.Tags), text):
				rank = 2
			case postgres && !like(strings.ToLower(e.Name+" "+e.Tags+" "+e.Body), text) && !wordsIn(strings.ToLower(e.Name+" "+e.Tags+" "+e.Body), text):
				rank = 4 // only a near spelling
			}
			hits = append(hits, SearchHit{Kind: e.Kind, Name: e.Name, Title: e.Title, Context: e.Context, Snippet: snippet(e.Body, text),
				URL: e.URL, Domain: e.DomainSlug, Classification: e.Classification, Status: e.Status, SourceKind: e.SourceKind, Rank: rank,
				kindRank: kindRank(e.Kind), id: e.ID})
		}
	}
	if int64(len(hits)) > total {
		total = int64(len(hits)) // names shorter than the trigram index reads
	}
	page.Total, page.More = min(total, int64(countCap)), total > int64(countCap)
	slices.SortFunc(hits, func(a, b SearchHit) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.kindRank, b.kindRank), cmp.Compare(len(a.Name), len(b.Name)),
			strings.Compare(a.Name, b.Name), cmp.Compare(a.id, b.id))
	})
	if !q.Suggest {
		page.Facets = facetsOf(hits)
	}
	if offset < len(hits) {
		end := min(offset+q.Limit, len(hits))
		page.Hits = hits[offset:end]
		if end < len(hits) {
			page.Next = encodeCursor(end)
		}
	}
	return page, nil
}

// wordsIn reports whether every word of text is in s (the tsvector's
// match, roughly: words anywhere, in any order).
func wordsIn(s, text string) bool {
	for _, w := range strings.Fields(text) {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// facetsOf counts the candidates per facet value, most first.
func facetsOf(hits []SearchHit) map[string][]SearchFacet {
	counts := map[string]map[string]int64{}
	add := func(facet, value string) {
		if value == "" {
			return
		}
		if counts[facet] == nil {
			counts[facet] = map[string]int64{}
		}
		counts[facet][value]++
	}
	for _, h := range hits {
		add("kind", h.Kind)
		add("domain", h.Domain)
		add("classification", h.Classification)
		add("status", h.Status)
		add("source_kind", h.SourceKind)
	}
	out := map[string][]SearchFacet{}
	for facet, values := range counts {
		list := make([]SearchFacet, 0, len(values))
		for v, n := range values {
			list = append(list, SearchFacet{Value: v, Count: n})
		}
		slices.SortFunc(list, func(a, b SearchFacet) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		out[facet] = list
	}
	return out
}

// snippet is the part of body around the first match, for the result line.
func snippet(body, text string) string {
	body = strings.Join(strings.Fields(body), " ")
	i := indexFold(body, text)
	if i < 0 {
		return truncate(body, 120)
	}
	start := max(0, i-50)
	for start > 0 && !utf8.RuneStart(body[start]) {
		start--
	}
	out := body[start:]
	if start > 0 {
		out = "…" + out
	}
	return truncate(out, 160)
}

// indexFold is the byte position in s of the first match of text ignoring
// case, or -1; positions are in s itself (lower-casing can change a
// string's length).
func indexFold(s, text string) int {
	n := utf8.RuneCountInString(text)
	for i := range s {
		j, k := i, 0
		for k < n && j < len(s) {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			k++
		}
		if k == n && strings.EqualFold(s[i:j], text) {
			return i
		}
	}
	return -1
}
