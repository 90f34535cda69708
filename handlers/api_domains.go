package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

func (s *Server) apiDomainList(c echo.Context) error {
	list, err := s.store.ListDomains(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]domainJSON, len(list))
	for i := range list {
		items[i] = toDomainJSON(&list[i].Domain)
		items[i].Products = &list[i].Products
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items)})
}

func (s *Server) apiDomainGet(c echo.Context) error {
	d, err := s.store.GetDomain(c.Request().Context(), c.Param("domain"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDomainJSON(d))
}

func (s *Server) apiDomainCreate(c echo.Context) error {
	var in models.DomainInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.store.CreateDomain(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/domains/"+d.Slug)
	return c.JSON(http.StatusCreated, toDomainJSON(d))
}

// apiDomainPatch changes the fields present in the body, in one
// transaction; "status" retires or reactivates the domain.
func (s *Server) apiDomainPatch(c echo.Context) error {
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	d, err := s.store.PatchDomain(c.Request().Context(), principal(c), c.Param("domain"),
		func(in *models.DomainInput) error { return decodeJSONBytes(body, in) })
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDomainJSON(d))
}

func (s *Server) apiDomainDelete(c echo.Context) error {
	if err := s.store.DeleteDomain(c.Request().Context(), principal(c), c.Param("domain")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
