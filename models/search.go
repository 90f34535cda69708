package models

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
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
	q.Kind = strings.ToLower(strings.TrimSpace(q.Kind))
	q.Domain = strings.ToLower(strings.TrimSpace(q.Domain))
	q.Classification = strings.ToLower(strings.TrimSpace(q.Classification))
	q.Status = strings.ToLower(strings.TrimSpace(q.Status))
	q.SourceKind = strings.ToLower(strings.TrimSpace(q.SourceKind))
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
}

// Validate refuses unknown facet values and a cursor that is not one.
func (q *SearchQuery) Validate() FieldErrors {
	errs := FieldErrors{}
	if q.Kind != "" && !oneOf(q.Kind, SearchKinds()) {
		errs.Add("kind", "Choose one of: "+strings.Join(SearchKinds(), ", ")+".")
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
}

// SearchFacet counts the matches of one facet value.
type SearchFacet struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// SearchPage is one page of results with the facets of the whole match.
type SearchPage struct {
	Query  SearchQuery              `json:"-"`
	Hits   []SearchHit              `json:"items"`
	Total  int64                    `json:"total"`
	Facets map[string][]SearchFacet `json:"facets"`
	// Next continues after this page; "" at the end.
	Next string `json:"next,omitempty"`
}

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

// kindOrder lists results of equal rank products first, policies last.
const kindOrder = `CASE kind WHEN 'product' THEN 0 WHEN 'domain' THEN 1 WHEN 'source' THEN 2 WHEN 'asset' THEN 3
	WHEN 'column' THEN 4 WHEN 'property' THEN 5 ELSE 6 END`

// Search finds what matches q, ranked: exact name, then name prefix, then
// tags and owners, then descriptions and columns (and on PostgreSQL a near
// spelling last). Everyone signed in may read the whole catalog, so every
// match is shown.
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
	tx := s.db.WithContext(ctx)
	postgres := tx.Dialector.Name() == "postgres"
	text := strings.ToLower(q.Q)
	like := "%" + likeEscape(text) + "%"
	prefix := likeEscape(text) + "%"
	// The candidates: the database's text index finds them.
	match := func(db *gorm.DB) *gorm.DB {
		switch {
		case postgres:
			return db.Where(`(search_vector @@ plainto_tsquery('simple', ?) OR lower(name || ' ' || tags || ' ' || body) LIKE ? ESCAPE '\'
				OR lower(name) % ?)`, text, like, text)
		case utf8.RuneCountInString(text) >= 3:
			return db.Where(`id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)`, ftsPhrase(text))
		default:
			// The trigram index needs three characters: names that start
			// so, as a range over the index on lower(name).
			return db.Where(`lower(name) >= ? AND lower(name) < ?`, text, text+"\U0010FFFF")
		}
	}
	facets := func(db *gorm.DB, except string) *gorm.DB {
		for _, f := range []struct{ name, col, value string }{{"kind", "kind", q.Kind}, {"domain", "domain_slug", q.Domain},
			{"classification", "classification", q.Classification}, {"status", "status", q.Status}, {"source_kind", "source_kind", q.SourceKind}} {
			if f.value != "" && f.name != except {
				db = db.Where(f.col+" = ?", f.value)
			}
		}
		return db
	}
	base := func(except string) *gorm.DB { return facets(match(tx.Model(&SearchEntry{})), except) }
	if err := base("").Count(&page.Total).Error; err != nil {
		return nil, internal("search", err)
	}
	rank := `CASE WHEN lower(name) = ? THEN 0 WHEN lower(name) LIKE ? ESCAPE '\' THEN 1 WHEN lower(tags) LIKE ? ESCAPE '\' THEN 2`
	args := []any{text, prefix, like}
	if postgres {
		rank += ` WHEN lower(name || ' ' || tags || ' ' || body) LIKE ? ESCAPE '\' OR search_vector @@ plainto_tsquery('simple', ?) THEN 3 ELSE 4 END`
		args = append(args, like, text)
	} else {
		rank += ` ELSE 3 END`
	}
	type hitRow struct {
		SearchEntry
		Rank int
	}
	var rows []hitRow
	err := base("").Select("search_entries.*, "+rank+" AS rank", args...).
		Order("rank, " + kindOrder + ", length(name), name, id").Offset(offset).Limit(q.Limit + 1).Find(&rows).Error
	if err != nil {
		return nil, internal("search", err)
	}
	if len(rows) > q.Limit {
		rows, page.Next = rows[:q.Limit], encodeCursor(offset+q.Limit)
	}
	for _, r := range rows {
		page.Hits = append(page.Hits, SearchHit{Kind: r.Kind, Name: r.Name, Title: r.Title, Context: r.Context, Snippet: snippet(r.Body, text),
			URL: r.URL, Domain: r.DomainSlug, Classification: r.Classification, Status: r.Status, SourceKind: r.SourceKind, Rank: r.Rank})
	}
	if q.Suggest {
		return page, nil
	}
	for _, f := range []struct{ name, col string }{{"kind", "kind"}, {"domain", "domain_slug"}, {"classification", "classification"},
		{"status", "status"}, {"source_kind", "source_kind"}} {
		var counts []SearchFacet
		err := base(f.name).Select(f.col + " AS value, count(*) AS count").Where(f.col + " <> ''").Group(f.col).
			Order("count DESC, value").Limit(50).Scan(&counts).Error
		if err != nil {
			return nil, internal("search facets", err)
		}
		page.Facets[f.name] = counts
	}
	return page, nil
}

// snippet is the part of body around the first match, for the result line.
func snippet(body, text string) string {
	body = strings.Join(strings.Fields(body), " ")
	i := strings.Index(strings.ToLower(body), text)
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
