package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/findings"
)

func (s *Server) findingShow(c echo.Context) error {
	id, err := findingID(c)
	if err != nil {
		return err
	}
	data, err := s.findingData(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, findings.Show(data))
}

// findingData fills the finding page: the finding, its history, its
// domain's unread threshold and whether the principal may decide on it.
func (s *Server) findingData(c echo.Context, id uint) (findings.ShowData, error) {
	ctx := c.Request().Context()
	f, history, err := s.store.GetFinding(ctx, id)
	if err != nil {
		return findings.ShowData{}, err
	}
	domains, err := s.store.AllDomains(ctx)
	if err != nil {
		return findings.ShowData{}, err
	}
	rules := s.store.FindingRules()
	data := findings.ShowData{
		Page: s.page(c, f.Title, "findings"), Finding: *f, History: history, Rules: rules, UnreadDays: rules.UnreadDays, Now: time.Now(),
	}
	for i := range domains {
		if d := &domains[i]; d.ID == f.DomainID {
			data.Domain, data.CanDecide = *d, principal(c).CanManageProducts(d)
			if d.UnreadDays > 0 {
				data.UnreadDays = d.UnreadDays
			}
		}
	}
	return data, nil
}
