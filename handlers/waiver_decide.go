package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// waiverDecide approves or rejects a requested waiver.
func (s *Server) waiverDecide(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return models.Errorf(models.ENOTFOUND, "There is no such waiver.")
	}
	var in models.WaiverDecision
	if v, err := strconv.ParseBool(c.FormValue("approve")); err == nil {
		in.Approve = &v
	}
	in.Note = c.FormValue("note")
	w, err := s.store.DecideWaiver(ctx, principal(c), uint(id), in)
	back := "/governance"
	if w != nil && w.Product != nil && w.Product.Domain != nil {
		back = productPath(w.Product) + "#scorecard"
	}
	if code := models.ErrorCode(err); code == models.EINVALID || code == models.ECONFLICT {
		setFlash(c, "error", models.ErrorMessage(err)+" "+fieldsText(models.ErrorFields(err)))
		return c.Redirect(http.StatusSeeOther, back)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Waiver "+w.State+".")
	return c.Redirect(http.StatusSeeOther, back)
}
