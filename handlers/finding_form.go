package handlers

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// findingID reads the finding id from the path; anything but a positive
// number is a finding that does not exist.
func findingID(c echo.Context) (uint, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		return 0, models.Errorf(models.ENOTFOUND, "There is no finding %q.", truncateRef(c.Param("id")))
	}
	return uint(id), nil
}

// parseFindingFilter reads the list's filters from the query (the page's
// form and the API share them). ok is false when page or per_page is not
// a whole number.
func parseFindingFilter(c echo.Context) (f models.FindingFilter, ok bool) {
	f = models.FindingFilter{Group: c.QueryParam("group"), Domain: c.QueryParam("domain"), Source: c.QueryParam("source"),
		Reason: c.QueryParam("reason"), MinSize: c.QueryParam("size"), Status: c.QueryParam("status"), Sort: c.QueryParam("sort")}
	ok = true
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &f.Page}, {"per_page", &f.PerPage}} {
		raw := strings.TrimSpace(c.QueryParam(p.name))
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			ok = false
			continue
		}
		*p.dst = n
	}
	return f, ok
}

// parseDecisionForm is a submitted keep, ignore or undo form as typed.
func parseDecisionForm(c echo.Context) models.FindingDecision {
	return models.FindingDecision{Action: c.FormValue("action"), Note: c.FormValue("note"), Until: c.FormValue("until")}
}
