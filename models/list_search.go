package models

import (
	"strings"
	"unicode/utf8"
)

// ListSearch is the search box and page of a plain list (domains,
// sources): text matched in memory, pages of ListPerPage.
type ListSearch struct {
	Q    string `query:"q"`
	Page int    `query:"page"`
}

// ListPerPage is the page size of the plain lists.
const ListPerPage = 50

// ListPage is one page of a plain list.
type ListPage[T any] struct {
	Items       []T
	Total, Page int
}

// Pages is the number of pages (at least 1).
func (p ListPage[T]) Pages() int { return max(1, (p.Total+ListPerPage-1)/ListPerPage) }

// First is the position, from 1, of the page's first item.
func (p ListPage[T]) First() int { return (p.Page-1)*ListPerPage + 1 }

// searchList keeps the items for which matches(text) holds, text being
// the search lowered, and returns the page asked for (a page past the
// last shows the last). A search of over 200 characters is refused.
func searchList[T any](all []T, f ListSearch, matches func(item *T, text string) bool) (ListPage[T], error) {
	text := strings.ToLower(strings.TrimSpace(f.Q))
	if utf8.RuneCountInString(text) > 200 {
		return ListPage[T]{}, &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
			Fields: FieldErrors{"q": "Search for at most 200 characters."}}
	}
	kept := all[:0]
	for i := range all {
		if text == "" || matches(&all[i], text) {
			kept = append(kept, all[i])
		}
	}
	p := ListPage[T]{Total: len(kept)}
	p.Page = min(max(f.Page, 1), p.Pages())
	from := (p.Page - 1) * ListPerPage
	p.Items = kept[from:min(from+ListPerPage, len(kept))]
	return p, nil
}

// containsFold reports whether any of the values contains text (lowered).
func containsFold(text string, values ...string) bool {
	for _, v := range values {
		if strings.Contains(strings.ToLower(v), text) {
			return true
		}
	}
	return false
}
