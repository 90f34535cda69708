package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// waiverRequest asks for a waiver of one policy for the product.
func (s *Server) waiverRequest(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	in := models.WaiverInput{Reason: c.FormValue("reason"), ExpiresAt: c.FormValue("expires_at")}
	if id, err := strconv.ParseUint(c.FormValue("policy_id"), 10, 32); err == nil {
		in.PolicyID = uint(id)
	}
	_, err = s.store.RequestWaiver(ctx, principal(c), p.Domain.Slug, p.Slug, in)
	if isFormError(err) {
		return s.renderProduct(c, http.StatusUnprocessableEntity, p, in, models.ErrorFields(err))
	}
	if models.ErrorCode(err) == models.ECONFLICT {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, productPath(p)+"#scorecard")
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Waiver requested. A representative of another domain (or, for a domain policy, another owner) decides it.")
	return c.Redirect(http.StatusSeeOther, productPath(p)+"#scorecard")
}

func productPath(p *models.Product) string { return "/products/" + p.Domain.Slug + "/" + p.Slug }
