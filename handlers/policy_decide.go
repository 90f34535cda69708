package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

// policyDecide is an admin adopting or rejecting the open proposal without
// the quorum; the proposal records that it was decided directly.
func (s *Server) policyDecide(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		return err
	}
	adopt, perr := strconv.ParseBool(c.FormValue("approve"))
	if d.Open == nil || perr != nil {
		setFlash(c, "error", "There is no open proposal to decide, or the decision was neither adopt nor reject.")
		return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
	}
	prop, err := s.store.DecideProposal(ctx, principal(c), d.Open.ID, adopt)
	if code := models.ErrorCode(err); code == models.ECONFLICT || code == models.EINVALID {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Proposal "+prop.State+" by an admin, without the quorum.")
	return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
}
