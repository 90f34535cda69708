package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

// policyVote records a representative's vote on the policy's open proposal.
func (s *Server) policyVote(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		return err
	}
	if d.Open == nil {
		setFlash(c, "error", "There is no open proposal on this policy any more.")
		return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
	}
	in := models.VoteInput{Comment: c.FormValue("comment")}
	if v, err := strconv.ParseBool(c.FormValue("approve")); err == nil {
		in.Approve = &v
	}
	prop, err := s.store.Vote(ctx, principal(c), d.Open.ID, in)
	if isFormError(err) {
		return s.renderPolicy(c, http.StatusUnprocessableEntity, id, in.Comment, models.ErrorFields(err), models.ErrorMessage(err))
	}
	if models.ErrorCode(err) == models.ECONFLICT {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
	}
	if err != nil {
		return err
	}
	switch prop.State {
	case models.ProposalAdopted:
		setFlash(c, "success", "Vote recorded. The quorum is reached: the proposal is adopted and in force.")
	case models.ProposalOpen:
		setFlash(c, "success", "Vote recorded.")
	default:
		setFlash(c, "success", "Vote recorded. The quorum can no longer be reached: the proposal is "+prop.State+".")
	}
	return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
}
