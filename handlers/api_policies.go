package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// The policies API. A write answers 201 (create) or 200 (change) when it
// took effect at once, 202 Accepted when it was put to the domains as a
// proposal; either way the body is the policy, with its state and, as
// "proposal", the proposal the request opened or voted on.

// policyID reads the policy id from the path; anything but a positive
// number is a policy that does not exist.
func policyID(c echo.Context, param string) (uint, error) {
	id, err := strconv.ParseUint(c.Param(param), 10, 32)
	if err != nil || id == 0 {
		return 0, models.Errorf(models.ENOTFOUND, "There is no policy %q.", truncateRef(c.Param(param)))
	}
	return uint(id), nil
}

// apiPolicyList lists policies, filtered by scope, domain (slug) and state,
// each with its results counted across the mesh and per domain.
func (s *Server) apiPolicyList(c echo.Context) error {
	f := models.PolicyFilter{Scope: strings.ToLower(strings.TrimSpace(c.QueryParam("scope"))),
		Domain: strings.ToLower(strings.TrimSpace(c.QueryParam("domain"))), State: strings.ToLower(strings.TrimSpace(c.QueryParam("state")))}
	errs := models.FieldErrors{}
	if f.Scope != "" && f.Scope != models.ScopeGlobal && f.Scope != models.ScopeDomain {
		errs.Add("scope", "Choose global or domain.")
	}
	if f.State != "" && !contains(models.PolicyStates(), f.State) {
		errs.Add("state", "Choose one of: "+strings.Join(models.PolicyStates(), ", ")+".")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	list, err := s.store.ListPolicies(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items := make([]policyJSON, len(list))
	for i := range list {
		items[i] = toPolicyJSON(&list[i].Policy, list[i].Stats, list[i].Open)
		items[i].ByDomain = toStatsByDomain(list[i].ByDomain)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items)})
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func (s *Server) apiPolicyCreate(c echo.Context) error {
	var in models.PolicyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ch, err := s.store.CreatePolicy(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if ch.Proposal != nil {
		status = http.StatusAccepted
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/policies/"+strconv.FormatUint(uint64(ch.Policy.ID), 10))
	return s.policyAnswer(c, status, ch.Policy.ID, ch.Proposal)
}

// policyAnswer writes the policy's detail, with prop as "proposal".
func (s *Server) policyAnswer(c echo.Context, status int, id uint, prop *models.PolicyProposal) error {
	d, err := s.store.GetPolicy(c.Request().Context(), id)
	if err != nil {
		return err
	}
	body := toPolicyDetailJSON(d)
	if prop != nil {
		for i := range d.Proposals { // the stored one, with its votes
			if d.Proposals[i].ID == prop.ID {
				prop = &d.Proposals[i]
			}
		}
		pj := toProposalJSON(prop)
		body.Proposal = &pj
	}
	return c.JSON(status, body)
}

// apiPolicyDryRun evaluates a policy as submitted over current data.
func (s *Server) apiPolicyDryRun(c echo.Context) error {
	var in models.PolicyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	imp, err := s.store.DryRun(c.Request().Context(), in)
	if err != nil {
		return err
	}
	if imp.Domains == nil {
		imp.Domains = []models.DomainImpact{}
	}
	return c.JSON(http.StatusOK, imp)
}

func (s *Server) apiPolicyGet(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	return s.policyAnswer(c, http.StatusOK, id, nil)
}

// apiPolicyPatch changes the fields present in the body (as in POST);
// "state": "adopted" asks an admin's global change to take effect at once,
// "comment" explains a proposal.
func (s *Server) apiPolicyPatch(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	ch, err := s.store.ChangePolicy(c.Request().Context(), principal(c), id, func(in *models.PolicyInput) error {
		in.State, in.Comment = "", ""
		return decodeJSONBytes(body, in)
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if ch.Proposal != nil {
		status = http.StatusAccepted
	}
	return s.policyAnswer(c, status, id, ch.Proposal)
}

// apiPolicyDelete retires a policy: 204 when at once, 202 with the policy
// when a global policy's retirement was proposed. ?comment= explains it.
func (s *Server) apiPolicyDelete(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	ch, err := s.store.RetirePolicy(c.Request().Context(), principal(c), id, c.QueryParam("comment"))
	if err != nil {
		return err
	}
	if ch.Proposal != nil {
		return s.policyAnswer(c, http.StatusAccepted, id, ch.Proposal)
	}
	return c.NoContent(http.StatusNoContent)
}

// voteBody is a representative's vote, {"approve": bool, "comment": ""},
// or an admin's decision without the quorum, {"decide": "adopt"|"reject"}.
type voteBody struct {
	Approve *bool  `json:"approve"`
	Comment string `json:"comment"`
	Decide  string `json:"decide"`
}

// apiPolicyVote votes on, or decides, the policy's open proposal.
func (s *Server) apiPolicyVote(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	var in voteBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.Decide = strings.ToLower(strings.TrimSpace(in.Decide))
	switch {
	case in.Decide != "" && in.Approve != nil:
		return models.FieldErrors{"decide": "Send either approve (a vote) or decide (an admin's decision), not both."}.Err()
	case in.Decide != "" && in.Decide != "adopt" && in.Decide != "reject":
		return models.FieldErrors{"decide": "Choose adopt or reject."}.Err()
	}
	ctx := c.Request().Context()
	d, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		return err
	}
	if d.Open == nil {
		return models.Errorf(models.ECONFLICT, "%s has no open proposal to vote on.", d.Policy.Name)
	}
	var prop *models.PolicyProposal
	if in.Decide != "" {
		prop, err = s.store.DecideProposal(ctx, principal(c), d.Open.ID, in.Decide == "adopt")
	} else {
		prop, err = s.store.Vote(ctx, principal(c), d.Open.ID, models.VoteInput{Approve: in.Approve, Comment: in.Comment})
	}
	if err != nil {
		return err
	}
	return s.policyAnswer(c, http.StatusOK, id, prop)
}

// apiPolicyResults lists what the policy says of each product, failures first.
func (s *Server) apiPolicyResults(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.GetPolicy(ctx, id); err != nil {
		return err
	}
	rs, err := s.store.PolicyResults(ctx, id)
	if err != nil {
		return err
	}
	items := toResultsJSON(rs, s.store.Now())
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items)})
}

func (s *Server) apiProductScorecard(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	sc, err := s.store.ProductScorecard(ctx, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toScorecardJSON(p, c.Param("domain"), sc, s.store.Now()))
}

func (s *Server) apiWaiverList(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	sc, err := s.store.ProductScorecard(ctx, p)
	if err != nil {
		return err
	}
	body := toScorecardJSON(p, c.Param("domain"), sc, s.store.Now())
	return c.JSON(http.StatusOK, map[string]any{"items": body.Waivers, "total": len(body.Waivers)})
}

// apiWaiverCreate requests a waiver: {policy_id, reason, expires_at}.
func (s *Server) apiWaiverCreate(c echo.Context) error {
	var in models.WaiverInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	w, err := s.store.RequestWaiver(c.Request().Context(), principal(c), c.Param("domain"), c.Param("product"), in)
	if err != nil {
		return err
	}
	return s.waiverAnswer(c, http.StatusCreated, w.ID)
}

// apiWaiverDecide approves or rejects a requested waiver: {approve, note}.
func (s *Server) apiWaiverDecide(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		return models.Errorf(models.ENOTFOUND, "There is no waiver %q.", truncateRef(c.Param("id")))
	}
	ctx := c.Request().Context()
	w, err := s.store.GetWaiver(ctx, uint(id))
	if err != nil {
		return err
	}
	if w.Product == nil || w.Product.Domain == nil || w.Product.Slug != c.Param("product") || w.Product.Domain.Slug != c.Param("domain") {
		return models.Errorf(models.ENOTFOUND, "There is no waiver %d for this product.", id)
	}
	var in models.WaiverDecision
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.store.DecideWaiver(ctx, principal(c), uint(id), in); err != nil {
		return err
	}
	return s.waiverAnswer(c, http.StatusOK, uint(id))
}

func (s *Server) waiverAnswer(c echo.Context, status int, id uint) error {
	w, err := s.store.GetWaiver(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, toWaiverJSON(w, "", s.store.Now()))
}
