package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

// Form parsing lives here; validation is the models' job and storage the
// store's, so the API and the pages share both.

// domainForm is a submitted domain form as typed.
type domainForm struct {
	Input           models.DomainInput
	Owners          string
	Representatives string
}

func parseDomainForm(c echo.Context) domainForm {
	owners, reps := c.FormValue("owners"), c.FormValue("representatives")
	return domainForm{
		Input: models.DomainInput{
			Name: c.FormValue("name"), Slug: c.FormValue("slug"), Description: c.FormValue("description"),
			Owners: models.SplitList(owners), Representatives: models.SplitList(reps),
			UnreadDays: models.DaysInput(c.FormValue("unread_days")),
		},
		Owners: owners, Representatives: reps,
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
	keys, names, types, locations, srcs := form["port_key"], form["port_name"], form["port_type"], form["port_location"], form["port_source"]
	for i := range names {
		p := models.PortInput{Name: names[i], Type: at(types, i), Location: at(locations, i), Source: at(srcs, i)}
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

// sourceForm is a submitted source form: the input for the store and the
// fields as typed, to show again.
type sourceForm struct {
	Input  models.SourceInput
	Values sources.FormValues
}

// parseSourceForm reads the form and builds the DSN from the connection
// fields. On an edit, an empty password means "keep the stored one".
func parseSourceForm(c echo.Context, editing bool) sourceForm {
	v := sources.FormValues{
		Name: c.FormValue("name"), Slug: c.FormValue("slug"), Domain: c.FormValue("domain"), Kind: c.FormValue("kind"),
		Host: strings.TrimSpace(c.FormValue("host")), Port: strings.TrimSpace(c.FormValue("port")),
		Database: strings.TrimSpace(c.FormValue("database")), User: strings.TrimSpace(c.FormValue("user")),
		Options: strings.TrimSpace(c.FormValue("options")), Path: strings.TrimSpace(c.FormValue("path")),
		Include: c.FormValue("include"), Exclude: c.FormValue("exclude"), FreshnessColumns: c.FormValue("freshness_columns"),
		Schedule: c.FormValue("schedule"), TimeZone: c.FormValue("time_zone"), Enabled: c.FormValue("enabled") == "true",
	}
	password := c.FormValue("password")
	enabled := v.Enabled
	in := models.SourceInput{
		Name: v.Name, Slug: v.Slug, Domain: v.Domain, Kind: v.Kind,
		Include: lines(v.Include), Exclude: lines(v.Exclude), FreshnessColumns: lines(v.FreshnessColumns),
		Schedule: v.Schedule, TimeZone: v.TimeZone, Enabled: &enabled,
		KeepPassword: editing && password == "",
	}
	if sources.IsFileKind(v.Kind) {
		in.DSN = v.Path
	} else if v.Host != "" || v.Port != "" || v.Database != "" || v.User != "" || password != "" || v.Options != "" {
		u := url.URL{Scheme: v.Kind, Host: v.Host, Path: "/" + v.Database, RawQuery: v.Options}
		if v.Port != "" {
			u.Host = v.Host + ":" + v.Port
		}
		switch {
		case password != "":
			u.User = url.UserPassword(v.User, password)
		case v.User != "":
			u.User = url.User(v.User)
		}
		in.DSN = u.String()
	}
	return sourceForm{Input: in, Values: v}
}

// sourceFormValues fills the form from a stored source; the password is
// never put into the page.
func sourceFormValues(src *models.Source, dsn string) sources.FormValues {
	v := sources.FormValues{
		Name: src.Name, Slug: src.Slug, Kind: src.Kind,
		Include: strings.Join(src.Include, "\n"), Exclude: strings.Join(src.Exclude, "\n"),
		FreshnessColumns: strings.Join(src.FreshnessColumns, "\n"),
		Schedule:         src.Schedule, TimeZone: src.TimeZone, Enabled: src.Enabled,
	}
	if src.Domain != nil {
		v.Domain = src.Domain.Slug
	}
	if sources.IsFileKind(src.Kind) {
		v.Path = dsn
		return v
	}
	if u, err := url.Parse(dsn); err == nil {
		q := u.Query()
		if q.Has("password") { // a password given as a parameter is a secret too
			q.Del("password")
			v.PasswordStored = true
		}
		v.Host, v.Port, v.Database, v.Options = u.Hostname(), u.Port(), strings.TrimPrefix(u.Path, "/"), q.Encode()
		if u.User != nil {
			v.User = u.User.Username()
			if _, has := u.User.Password(); has {
				v.PasswordStored = true
			}
		}
	}
	return v
}

// lines splits a textarea into trimmed, non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// filterOutcome sorts a list's error: a filter the store refused is shown
// next to it (422, with the list as far as it goes); anything else fails
// the request.
func filterOutcome(err error) (status int, errs models.FieldErrors, fail error) {
	switch {
	case isFormError(err):
		return http.StatusUnprocessableEntity, models.ErrorFields(err), nil
	case err != nil:
		return 0, nil, err
	}
	return http.StatusOK, nil, nil
}

// listSearch reads a plain list's search and page; a mangled page number
// shows the first page.
func listSearch(c echo.Context) models.ListSearch {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	return models.ListSearch{Q: c.QueryParam("q"), Page: page}
}
