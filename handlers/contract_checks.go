package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/contracts"
)

// contractChecksRun runs the port's quality checks now and shows their
// results on the contract page.
func (s *Server) contractChecksRun(c echo.Context) error {
	results, err := s.runPortChecks(c)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	setFlash(c, "info", fmt.Sprintf("Ran %d checks: %d passed, %d failed, %d not run, %d errors.", len(results),
		counts[models.CheckPassed], counts[models.CheckFailed], counts[models.CheckNotRun], counts[models.CheckError]))
	prod, err := s.store.GetProduct(c.Request().Context(), c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, contracts.URL(*prod, c.Param("port"))+"#checks")
}

// runPortChecks runs a port's checks for a person and records them.
func (s *Server) runPortChecks(c echo.Context) ([]models.CheckResult, error) {
	if s.cfg.Checks == nil {
		return nil, models.Errorf(models.EUNAVAILABLE, "Quality checks are not available in this process.")
	}
	ctx := c.Request().Context()
	target, err := s.store.PortChecks(ctx, principal(c), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return nil, err
	}
	return s.cfg.Checks.RunChecks(ctx, *target, "manual")
}
