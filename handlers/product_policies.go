package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

// savedMessage is the flash after a save: a draft or active product that
// still fails policies is told which, so the owner knows what activation
// needs (drafts are never blocked).
func (s *Server) savedMessage(ctx context.Context, p *models.Product, verb string) (kind, msg string) {
	msg = "Data product " + p.Name + " " + verb + "."
	failing, err := s.store.PreviewPolicies(ctx, p.Input(), p)
	if err != nil || len(failing) == 0 {
		return "success", msg
	}
	names := make([]string, 0, len(failing))
	blocking := 0
	for _, v := range failing {
		names = append(names, v.Name)
		if v.Blocks {
			blocking++
		}
	}
	noun := map[bool]string{true: "policy", false: "policies"}[len(failing) == 1]
	if p.Status == models.StatusDraft && blocking > 0 {
		return "success", fmt.Sprintf("%s As a draft it may fail policies; to make it active, fix %d blocking of the %d %s it fails: %s.",
			msg, blocking, len(failing), noun, strings.Join(names, ", "))
	}
	return "success", fmt.Sprintf("%s It fails %d %s: %s. See Policies below.", msg, len(failing), noun, strings.Join(names, ", "))
}

// productScorecard is the product page's policies card.
func (s *Server) productScorecard(c echo.Context, p *models.Product, form models.WaiverInput, errs models.FieldErrors) (*products.ScorecardData, error) {
	ctx := c.Request().Context()
	sc, err := s.store.ProductScorecard(ctx, p)
	if err != nil {
		return nil, err
	}
	who := principal(c)
	return &products.ScorecardData{
		Card: sc, Product: *p, CSRF: s.csrfToken(c), CanRequest: who.CanManageProducts(p.Domain), Now: s.store.Now(),
		Decide: func(w models.PolicyWaiver) bool { return s.store.MayDecideWaiver(ctx, who, w.ID) },
		Errors: errs, Waiver: form, MaxWaiverDays: s.store.MaxWaiverDays(),
	}, nil
}

// fieldsText joins per-field messages for a flash, in field order.
func fieldsText(errs models.FieldErrors) string {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = errs[k]
	}
	return strings.Join(parts, " ")
}

// refusalText is a policy refusal as one message: what failed and why.
func refusalText(err error) string {
	msg := models.ErrorMessage(err)
	for _, f := range models.ErrorPolicies(err) {
		msg += " " + f.Name + ": " + f.Message
	}
	return msg
}
