package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productNew(c echo.Context) error {
	form := productForm{Input: models.ProductInput{
		Domain: c.QueryParam("domain"), Status: models.StatusDraft, Classification: models.ClassInternal,
	}}
	var notice *views.Flash
	if claim := c.QueryParam("claim"); claim != "" {
		f, err := s.claimedFinding(c, claim)
		if err != nil {
			return err
		}
		location, message := f.Title, "Claiming "+f.Title+" from "+f.SourceName+": save the product and its dark-data finding closes."
		if parent := s.partitionParent(c, f); parent != "" {
			location = parent
			message = "Claiming " + f.Title + " from " + f.SourceName + ": a partition is owned through its parent table, so the port names " +
				parent + "; save the product and the dark-data findings of its partitions close."
		}
		form.Input = claimInput(f, location)
		notice = &views.Flash{Kind: "info", Message: message}
	}
	data, err := s.productFormData(c.Request().Context(), c, "New data product", form, nil)
	if err != nil {
		return err
	}
	if len(data.Domains) == 0 {
		return models.Errorf(models.EFORBIDDEN, "You do not own any active domain, so you cannot add data products. Ask an admin or a domain owner.")
	}
	if notice != nil {
		data.Page.Flash = notice
	}
	return s.render(c, http.StatusOK, products.Form(data))
}

// claimedFinding is the dark-data finding a "Claim into a product" link
// names.
func (s *Server) claimedFinding(c echo.Context, claim string) (*models.FindingView, error) {
	id, err := strconv.ParseUint(claim, 10, 32)
	if err != nil {
		return nil, models.Errorf(models.ENOTFOUND, "There is no finding %q.", truncate(claim, 20))
	}
	f, _, err := s.store.GetFinding(c.Request().Context(), uint(id))
	if err != nil {
		return nil, err
	}
	if f.Kind != models.FindingDarkData || f.SourceSlug == "" {
		return nil, models.Errorf(models.EINVALID, "Only dark data can be claimed into a product.")
	}
	return f, nil
}

// partitionParent is the key of the partitioned table a claimed partition
// belongs to, or "" for any other asset (or one no longer found): a port
// on the parent owns every partition, one on a partition would leave its
// siblings dark.
func (s *Server) partitionParent(c echo.Context, f *models.FindingView) string {
	if f.SourceID == nil {
		return ""
	}
	a, err := s.store.GetAsset(c.Request().Context(), *f.SourceID, f.Title)
	if err != nil {
		if models.ErrorCode(err) != models.ENOTFOUND {
			s.log.Error("look up a claimed asset", "finding", f.ID, "error", err)
		}
		return ""
	}
	if a.Kind != string(models.AssetPartition) {
		return ""
	}
	return a.Parent
}

// claimInput prefills a new product with location, the claimed asset or
// its parent, as its port, in the finding's domain.
func claimInput(f *models.FindingView, location string) models.ProductInput {
	name := location[strings.LastIndex(location, ".")+1:]
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(name))
	if r := []rune(name); len(r) > 0 {
		name = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	portType := "table"
	if f.SourceKind == "files" {
		portType = "file"
	}
	return models.ProductInput{
		Name: name, Domain: f.DomainSlug, Status: models.StatusDraft, Classification: models.ClassInternal,
		OutputPorts: []models.PortInput{{Name: "main", Type: portType, Location: location, Source: f.SourceSlug}},
	}
}
