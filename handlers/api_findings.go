package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/findings"
)

// The findings API: the same lists, totals and decisions as the findings
// pages. Authorization and validation of decisions are the store's.

// findingJSON is a finding as the API shows it.
type findingJSON struct {
	ID           uint       `json:"id"`
	Kind         string     `json:"kind"`
	Group        string     `json:"group"`
	Title        string     `json:"title"`
	Status       string     `json:"status"`
	Reasons      []string   `json:"reasons"`
	UsageKnown   bool       `json:"usage_known"`
	SizeBytes    *int64     `json:"size_bytes"`
	CostPerMonth float64    `json:"cost_per_month"`
	Since        *time.Time `json:"since"`
	OpenedAt     time.Time  `json:"opened_at"`
	ClosedAt     *time.Time `json:"closed_at"`
	CloseReason  string     `json:"close_reason"`
	Note         string     `json:"note"`
	Until        *string    `json:"until"` // YYYY-MM-DD, as it is sent
	DecidedBy    string     `json:"decided_by"`
	Domain       string     `json:"domain"`
	Source       *string    `json:"source"`
	Product      *string    `json:"product"`
	URL          string     `json:"url"`
	// History is only in the answer about one finding, newest first.
	History []findingEventJSON `json:"history,omitempty"`
}

type findingEventJSON struct {
	At    time.Time `json:"at"`
	Event string    `json:"event"`
	Actor string    `json:"actor"`
	Note  string    `json:"note"`
}

// findingSumJSON totals findings of one domain or source.
type findingSumJSON struct {
	Slug         string  `json:"slug"`
	Name         string  `json:"name"`
	Findings     int     `json:"findings"`
	Bytes        int64   `json:"bytes"`
	CostPerMonth float64 `json:"cost_per_month"`
}

func toFindingJSON(f *models.FindingView) findingJSON {
	out := findingJSON{ID: f.ID, Kind: f.Kind, Group: f.Group(), Title: f.Title, Status: f.Status,
		Reasons: findings.Reasons(f), UsageKnown: f.UsageKnown, SizeBytes: f.SizeBytes, CostPerMonth: f.CostPerMonth,
		Since: f.Since, OpenedAt: f.OpenedAt, ClosedAt: f.ClosedAt, CloseReason: f.CloseReason, Note: f.Note,
		DecidedBy: f.DecidedBy, Domain: f.DomainSlug, URL: "/api/v1/findings/" + strconv.FormatUint(uint64(f.ID), 10)}
	if f.Until != nil {
		until := f.Until.UTC().Format(time.DateOnly)
		out.Until = &until
	}
	if f.SourceSlug != "" {
		out.Source = &f.SourceSlug
	}
	if f.ProductID != nil {
		product := f.DomainSlug + "/" + f.ProductSlug
		out.Product = &product
	}
	return out
}

func toFindingSums(sums []models.FindingSum) []findingSumJSON {
	out := make([]findingSumJSON, len(sums))
	for i, s := range sums {
		out[i] = findingSumJSON{Slug: s.Key, Name: s.Name, Findings: s.Findings, Bytes: s.Bytes, CostPerMonth: s.Cost}
	}
	return out
}

// apiFindingList pages through findings: group, domain, source, reason,
// size, status, sort, page, per_page, as on the findings page.
func (s *Server) apiFindingList(c echo.Context) error {
	f, ok := parseFindingFilter(c)
	if !ok {
		return models.Errorf(models.EBADREQUEST, "page and per_page must be whole numbers.")
	}
	ctx := c.Request().Context()
	page, err := s.store.ListFindings(ctx, f)
	if err != nil {
		return err
	}
	items := make([]findingJSON, len(page.Findings))
	for i := range page.Findings {
		items[i] = toFindingJSON(&page.Findings[i])
	}
	groups := map[string]int{}
	for _, g := range models.FindingGroups() {
		groups[g] = page.Groups[g]
	}
	return c.JSON(http.StatusOK, map[string]any{
		"findings": items, "total": page.Total, "page": page.Page, "per_page": page.PerPage, "pages": page.Pages(),
		"totals": map[string]any{"findings": page.Sum.Findings, "bytes": page.Sum.Bytes, "cost_per_month": page.Sum.Cost,
			"currency": s.store.FindingRules().Currency},
		"by_domain": toFindingSums(page.ByDomain), "by_source": toFindingSums(page.BySource), "groups": groups,
	})
}

func (s *Server) apiFindingGet(c echo.Context) error {
	id, err := findingID(c)
	if err != nil {
		return err
	}
	body, err := s.findingDetail(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, body)
}

// apiFindingDecide takes {action, note, until}: keep (dark data; note and
// until required), ignore (note required) or undo.
func (s *Server) apiFindingDecide(c echo.Context) error {
	id, err := findingID(c)
	if err != nil {
		return err
	}
	var d models.FindingDecision
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	if _, err := s.store.DecideFinding(c.Request().Context(), principal(c), id, d); err != nil {
		return err
	}
	body, err := s.findingDetail(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, body)
}

// findingDetail is a finding with its history.
func (s *Server) findingDetail(c echo.Context, id uint) (findingJSON, error) {
	f, history, err := s.store.GetFinding(c.Request().Context(), id)
	if err != nil {
		return findingJSON{}, err
	}
	body := toFindingJSON(f)
	body.History = make([]findingEventJSON, len(history))
	for i, e := range history {
		body.History[i] = findingEventJSON{At: e.At, Event: e.Event, Actor: e.Actor, Note: e.Note}
	}
	return body, nil
}
