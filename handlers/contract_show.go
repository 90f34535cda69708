package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/contracts"
)

// contractShow is the contract page of a port: the contract, how it stands
// against the crawled table, its checks and versions.
func (s *Server) contractShow(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.store.PortContract(ctx, c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	d := contracts.ShowData{Page: s.page(c, v.Port.Name+" contract", "products"), View: *v,
		CanEdit: principal(c).CanManageProducts(v.Product.Domain), Now: s.store.Now()}
	if v.Contract != nil {
		if d.Versions, err = s.store.ContractVersions(ctx, v.Product.Domain.Slug, v.Product.Slug, v.Port.Name); err != nil {
			return err
		}
		if d.History, err = s.store.CheckHistory(ctx, v.Contract.ID, 100); err != nil {
			return err
		}
		if d.Watching, err = s.store.Watching(ctx, v.Contract.ID, principal(c).Email); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, contracts.Show(d))
}
