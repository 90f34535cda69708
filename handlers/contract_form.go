package handlers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/views/contracts"
)

// parseContractForm reads the editor into an edit of the contract. Rows
// are parallel lists per object; checkboxes send their row's key.
func parseContractForm(c echo.Context) (odcs.Edit, error) {
	form, err := c.FormParams()
	if err != nil {
		return odcs.Edit{}, models.Errorf(models.EBADREQUEST, "The form could not be read.")
	}
	e := odcs.Edit{Version: strings.TrimSpace(form.Get("version")), Status: strings.TrimSpace(form.Get("status")),
		Name: strings.TrimSpace(form.Get("name")), Purpose: strings.TrimSpace(form.Get("purpose"))}
	indexes := form["object_index"]
	if len(indexes) > 50 {
		return e, models.Errorf(models.EBADREQUEST, "At most 50 tables in one form.")
	}
	for oi, raw := range indexes {
		index, err := strconv.Atoi(raw)
		if err != nil {
			return e, models.Errorf(models.EBADREQUEST, "The form could not be read.")
		}
		field := func(f string) []string { return form[contracts.FieldName(oi, f)] }
		o := odcs.ObjectEdit{Index: index, Name: strings.TrimSpace(form.Get(fmt.Sprintf("objects[%d].name", oi))),
			PhysicalName: strings.TrimSpace(form.Get(fmt.Sprintf("objects[%d].physicalName", oi)))}
		keys := field("key")
		if len(keys) > 2000 {
			return e, models.Errorf(models.EBADREQUEST, "At most 2,000 columns in one table.")
		}
		flags := map[string]map[string]bool{}
		for _, f := range []string{"required", "unique", "primaryKey"} {
			flags[f] = map[string]bool{}
			for _, k := range field(f) {
				flags[f][k] = true
			}
		}
		at := func(list []string, i int) string {
			if i < len(list) {
				return strings.TrimSpace(list[i])
			}
			return ""
		}
		o.Properties = []odcs.PropertyEdit{}
		for i, k := range keys {
			p := odcs.PropertyEdit{Name: at(field("name"), i), OriginalName: at(field("original"), i),
				LogicalType: at(field("logicalType"), i), PhysicalType: at(field("physicalType"), i),
				Classification: at(field("classification"), i), Description: at(field("description"), i),
				Required: flags["required"][k], Unique: flags["unique"][k], PrimaryKey: flags["primaryKey"][k]}
			if p.Name == "" && p.OriginalName == "" && p.PhysicalType == "" {
				continue // a blank row
			}
			o.Properties = append(o.Properties, p)
		}
		e.Objects = append(e.Objects, o)
	}
	return e, nil
}

// validateContractEdit checks what ODCS cannot: names given and unique per
// table, a version present. Errors are keyed like the form's fields.
func validateContractEdit(e odcs.Edit) models.FieldErrors {
	errs := models.FieldErrors{}
	if e.Version == "" {
		errs.Add("version", "Give a version, e.g. 1.0.0.")
	}
	for oi, o := range e.Objects {
		if o.Name == "" {
			errs.Add(fmt.Sprintf("objects[%d].name", oi), "Name the table.")
		}
		seen := map[string]bool{}
		for i, p := range o.Properties {
			key := contracts.ErrorKey(oi, i, "name")
			switch {
			case p.Name == "":
				errs.Add(key, "Name the property.")
			case seen[strings.ToLower(p.Name)]:
				errs.Add(key, "Another property of this table has this name.")
			}
			seen[strings.ToLower(p.Name)] = true
		}
	}
	return errs
}

// problemPath matches ODCS paths of a property's field.
var problemPath = regexp.MustCompile(`^schema\[(\d+)\]\.properties\[(\d+)\]\.(\w+)`)

// formErrorsOf maps the problems of an invalid contract to the form's
// fields where one shows them, and to the form's message otherwise.
func formErrorsOf(err error) (models.FieldErrors, string) {
	errs := models.FieldErrors{}
	var rest []string
	for path, msg := range models.ErrorFields(err) {
		switch m := problemPath.FindStringSubmatch(path); {
		case path == "version" || path == "status" || path == "name":
			errs.Add(path, msg)
		case m != nil:
			o, _ := strconv.Atoi(m[1])
			i, _ := strconv.Atoi(m[2])
			errs.Add(contracts.ErrorKey(o, i, m[3]), msg)
			rest = append(rest, path+": "+msg)
		default:
			rest = append(rest, path+": "+msg)
		}
	}
	msg := models.ErrorMessage(err)
	if len(rest) == 0 && len(errs) > 0 {
		msg = "Correct the fields marked below."
	}
	return errs, msg
}
