package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/views/contracts"
)

// contractSave saves the editor: a new version of the contract, or the
// form again with the messages at their fields.
func (s *Server) contractSave(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.store.PortContract(ctx, c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	e, err := parseContractForm(c)
	if err != nil {
		return err
	}
	base, current := contractBase(v)
	doc, check, errs, msg := judgeContractEdit(base, current, e)
	if len(errs) > 0 || msg != "" {
		return s.renderContractForm(c, http.StatusUnprocessableEntity, v, current, e, errs, msg, check)
	}
	saved, err := s.store.SaveContract(ctx, principal(c), v.Product.Domain.Slug, v.Product.Slug, v.Port.Name, doc)
	if isFormError(err) {
		errs, msg := formErrorsOf(err)
		return s.renderContractForm(c, http.StatusUnprocessableEntity, v, current, e, errs, msg, check)
	}
	if err != nil {
		return err
	}
	switch {
	case saved.Version == nil:
		setFlash(c, "info", "Nothing changed.")
	case saved.Amended:
		setFlash(c, "success", "Saved: version "+saved.Contract.Version+" is now "+saved.Contract.Status+".")
	default:
		setFlash(c, "success", "Saved version "+saved.Contract.Version+".")
	}
	return c.Redirect(http.StatusSeeOther, contracts.URL(*v.Product, v.Port.Name))
}

// contractValidate is the live verdict on the editor as the owner types.
func (s *Server) contractValidate(c echo.Context) error {
	v, err := s.store.PortContract(c.Request().Context(), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	e, err := parseContractForm(c)
	if err != nil {
		return err
	}
	base, current := contractBase(v)
	_, check, _, _ := judgeContractEdit(base, current, e)
	return s.renderComponent(c, contracts.Check(check))
}

// judgeContractEdit applies an edit and says what it changes, the version
// it needs, and what is wrong with it (field errors or a message).
func judgeContractEdit(base *odcs.Contract, current string, e odcs.Edit) (*odcs.Contract, contracts.CheckData, models.FieldErrors, string) {
	check := contracts.CheckData{Current: current}
	errs := validateContractEdit(e)
	doc, err := base.WithEdit(e)
	if err != nil {
		perr := models.ContractProblems(err)
		fieldErrs, msg := formErrorsOf(perr)
		for k, m := range fieldErrs {
			if !errs.Has(k) {
				errs.Add(k, m)
			}
		}
		for path, m := range models.ErrorFields(perr) {
			check.Invalid = append(check.Invalid, path+": "+m)
		}
		if err := odcs.CheckVersion("", e.Version, ""); e.Version != "" && err != nil && !errs.Has("version") {
			errs.Add("version", upperFirst(err.Error())+".")
		}
		return nil, check, errs, msg
	}
	if current != "" {
		cmp := odcs.Compare(base, doc)
		check.Changes, check.Bump = cmp.Changes, cmp.RequiredBump()
		check.Suggested = odcs.SuggestVersion(current, check.Bump)
		if err := cmp.CheckVersion(current, doc.Version()); err != nil {
			check.Problem = upperFirst(err.Error())
			if check.Suggested != "" && !strings.Contains(check.Problem, check.Suggested) {
				check.Problem += "; this change needs " + check.Suggested + " or later"
			}
			if !errs.Has("version") {
				errs.Add("version", check.Problem)
			}
		}
	} else if err := odcs.CheckVersion("", doc.Version(), ""); err != nil {
		errs.Add("version", upperFirst(err.Error())+".")
	}
	if len(errs) > 0 {
		return doc, check, errs, "Correct the fields marked below."
	}
	return doc, check, nil, ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
