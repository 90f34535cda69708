package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

// domainList is the domain list with its search; htmx asks for just the
// results. A refused search is shown next to the field (422).
func (s *Server) domainList(c echo.Context) error {
	page, _ := strconv.Atoi(c.QueryParam("page")) // a mangled page number shows the first page
	f := models.ListSearch{Q: c.QueryParam("q"), Page: page}
	results, err := s.store.FindDomains(c.Request().Context(), f)
	status := http.StatusOK
	var errs models.FieldErrors
	if isFormError(err) {
		status, errs = http.StatusUnprocessableEntity, models.ErrorFields(err)
	} else if err != nil {
		return err
	}
	return s.render(c, status, domains.List(domains.ListData{Page: s.page(c, "Domains", "domains"), Filter: f, Results: results, Errors: errs}))
}
