package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// decodeJSON reads exactly one JSON object from the body into v.
func decodeJSON(c echo.Context, v any) error {
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	return decodeJSONBytes(body, v)
}

// readJSON reads a JSON request body, refusing other content types.
func readJSON(c echo.Context) ([]byte, error) {
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt != echo.MIMEApplicationJSON {
		return nil, models.Errorf(models.EBADREQUEST, "Send a JSON body with \"Content-Type: application/json\".")
	}
	body, err := io.ReadAll(c.Request().Body)
	var tooLarge *http.MaxBytesError
	var httpErr *echo.HTTPError // the body limit middleware's, for bodies sent without a length
	switch {
	case errors.As(err, &tooLarge), errors.As(err, &httpErr) && httpErr.Code == http.StatusRequestEntityTooLarge:
		return nil, models.Errorf(models.ETOOLARGE, "The request body is too large.")
	case err != nil:
		return nil, models.Errorf(models.EBADREQUEST, "The request body could not be read.")
	}
	return body, nil
}

// decodeJSONBytes decodes one JSON object into v, refusing unknown fields
// and reporting wrong types per field, so a client learns what to fix.
func decodeJSONBytes(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return models.Errorf(models.EBADREQUEST, "The request body is empty; send a JSON object.")
	case errors.As(err, &syntaxErr):
		return models.Errorf(models.EBADREQUEST, "The body is not valid JSON (at byte %d).", syntaxErr.Offset)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return models.Errorf(models.EBADREQUEST, "Send a JSON object.")
		}
		return &models.Error{Code: models.EBADREQUEST, Message: "A field has the wrong type.",
			Fields: models.FieldErrors{field: "Must be " + jsonTypeName(typeErr.Type.Kind().String()) + "."}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &models.Error{Code: models.EBADREQUEST, Message: "The body has a field meshport does not know.",
			Fields: models.FieldErrors{field: "Unknown field."}}
	default:
		return models.Errorf(models.EBADREQUEST, "The body could not be read as one JSON object.")
	}
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	default:
		return "a number"
	}
}

// domainJSON is a domain as the API shows it.
type domainJSON struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Owners      []string `json:"owners"`
	// Representatives vote on global policies; empty: the owners do.
	Representatives []string  `json:"representatives"`
	Status          string    `json:"status"`
	Products        *int64    `json:"products,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func toDomainJSON(d *models.Domain) domainJSON {
	owners := []string(d.Owners)
	if owners == nil {
		owners = []string{}
	}
	return domainJSON{Slug: d.Slug, Name: d.Name, Description: d.Description, Owners: owners,
		Representatives: append([]string{}, d.Representatives...), Status: d.Status, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// productJSON is a data product as the API shows it.
type productJSON struct {
	Domain         string              `json:"domain"`
	Slug           string              `json:"slug"`
	Name           string              `json:"name"`
	Owner          string              `json:"owner"`
	Description    string              `json:"description"`
	Purpose        string              `json:"purpose"`
	Status         string              `json:"status"`
	Classification string              `json:"classification"`
	ContainsPII    bool                `json:"contains_pii"`
	Tags           []string            `json:"tags"`
	FreshnessSLA   models.FreshnessSLA `json:"freshness_sla"`
	OutputPorts    []models.PortInput  `json:"output_ports,omitempty"`
	Health         healthJSON          `json:"health"`
	URL            string              `json:"url"`
	CreatedAt      time.Time           `json:"created_at"`
	UpdatedAt      time.Time           `json:"updated_at"`
}

// healthJSON is a product's health as the crawlers last saw its ports.
type healthJSON struct {
	Freshness    string     `json:"freshness"` // fresh, stale, unknown, no SLA
	LastChangeAt *time.Time `json:"last_change_at"`
	MeasuredBy   string     `json:"last_change_measured_by,omitempty"`
	StaleSince   *time.Time `json:"stale_since,omitempty"`
	ReadsPerDay  *float64   `json:"reads_per_day"`
	SizeBytes    *int64     `json:"size_bytes"`
	CrawledPorts int        `json:"crawled_ports"`
	PortsGone    int        `json:"ports_gone"`
}

func toHealthJSON(p *models.Product, now time.Time) healthJSON {
	h := healthJSON{Freshness: p.FreshnessAt(now), LastChangeAt: p.Health.LastChange, MeasuredBy: p.Health.How,
		ReadsPerDay: p.Health.ReadsPerDay, SizeBytes: p.Health.SizeBytes, CrawledPorts: p.Health.Ports, PortsGone: p.Health.Gone}
	if h.Freshness == models.Stale {
		at := p.StaleAt()
		h.StaleSince = &at
	}
	return h
}

func toProductJSON(p *models.Product) productJSON {
	in := p.Input()
	tags := in.Tags
	if tags == nil {
		tags = []string{}
	}
	return productJSON{Domain: in.Domain, Slug: p.Slug, Name: p.Name, Owner: p.Owner, Description: p.Description,
		Purpose: p.Purpose, Status: p.Status, Classification: p.Classification, ContainsPII: p.ContainsPII,
		Tags: tags, FreshnessSLA: p.FreshnessSLA, OutputPorts: in.OutputPorts, Health: toHealthJSON(p, time.Now()),
		URL: fmt.Sprintf("/api/v1/products/%s/%s", in.Domain, p.Slug), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}
