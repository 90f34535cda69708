package handlers

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// Form parsing lives here; validation is the models' job and storage the
// store's, so the API and the pages share both.

// domainForm is a submitted domain form as typed.
type domainForm struct {
	Input  models.DomainInput
	Owners string
}

func parseDomainForm(c echo.Context) domainForm {
	owners := c.FormValue("owners")
	return domainForm{
		Input: models.DomainInput{
			Name: c.FormValue("name"), Slug: c.FormValue("slug"), Description: c.FormValue("description"),
			Owners: models.SplitList(owners),
		},
		Owners: owners,
	}
}

// productForm is a submitted product form as typed, with the page's row key
// of each output port so errors can be shown on the right row.
type productForm struct {
	Input    models.ProductInput
	Tags     string
	PortKeys []string
}

func parseProductForm(c echo.Context) productForm {
	tags := c.FormValue("tags")
	f := productForm{
		Input: models.ProductInput{
			Name: c.FormValue("name"), Slug: c.FormValue("slug"), Domain: c.FormValue("domain"),
			Owner: c.FormValue("owner"), Description: c.FormValue("description"), Purpose: c.FormValue("purpose"),
			Status: c.FormValue("status"), Classification: c.FormValue("classification"),
			ContainsPII: c.FormValue("contains_pii") == "true", Tags: models.SplitList(tags),
			FreshnessSLA: c.FormValue("freshness_sla"),
		},
		Tags: tags,
	}
	form, _ := c.FormParams()
	keys, names, types, locations := form["port_key"], form["port_name"], form["port_type"], form["port_location"]
	for i := range names {
		p := models.PortInput{Name: names[i], Type: at(types, i), Location: at(locations, i)}
		if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Location) == "" {
			continue // a row left blank is not a port
		}
		f.Input.OutputPorts = append(f.Input.OutputPorts, p)
		f.PortKeys = append(f.PortKeys, at(keys, i))
	}
	return f
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// isFormError reports whether err should re-render the form with messages
// (bad or conflicting input) rather than show an error page.
func isFormError(err error) bool {
	code := models.ErrorCode(err)
	return code == models.EINVALID || (code == models.ECONFLICT && len(models.ErrorFields(err)) > 0)
}

// urlPath returns the path of an absolute or relative URL.
func urlPath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	return u.Path, nil
}
