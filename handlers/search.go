package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/search"
)

// searchQuery reads the search parameters of a page or API request.
func searchQuery(c echo.Context) (models.SearchQuery, error) {
	var q models.SearchQuery
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, &q); err != nil {
		return q, models.Errorf(models.EBADREQUEST, "limit must be a whole number.")
	}
	return q, nil
}

// searchPage is the full search with facets and paging.
func (s *Server) searchPage(c echo.Context) error {
	q, err := searchQuery(c)
	if err != nil {
		return err
	}
	res, err := s.store.Search(c.Request().Context(), q)
	status := http.StatusOK
	var errs models.FieldErrors
	if models.ErrorCode(err) == models.EINVALID {
		errs, status = models.ErrorFields(err), http.StatusUnprocessableEntity
		q.Normalize()
		res, err = &models.SearchPage{Query: q}, nil
	}
	if err != nil {
		return err
	}
	page := s.page(c, "Search", "search")
	page.SearchQuery = res.Query.Q
	return s.render(c, status, search.Page(search.PageData{Page: page, Result: res, Errors: errs}))
}

// searchSuggest is the header's typeahead: the best few matches.
func (s *Server) searchSuggest(c echo.Context) error {
	q, err := searchQuery(c)
	if err != nil {
		return err
	}
	q.Limit, q.Cursor, q.Suggest = 8, "", true
	res, err := s.store.Search(c.Request().Context(), q)
	if models.ErrorCode(err) == models.EINVALID {
		q.Kind = ""
		res, err = s.store.Search(c.Request().Context(), q)
	}
	if err != nil {
		return err
	}
	return s.renderComponent(c, search.Suggestions(res))
}

// apiSearch is the search as JSON, with the cursor of the next page.
func (s *Server) apiSearch(c echo.Context) error {
	q, err := searchQuery(c)
	if err != nil {
		return err
	}
	res, err := s.store.Search(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
