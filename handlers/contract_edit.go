package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/views/contracts"
)

// contractEdit is the editor, filled from the saved contract or, for a
// port without one, with one empty table named like the port's.
func (s *Server) contractEdit(c echo.Context) error {
	v, err := s.store.PortContract(c.Request().Context(), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	if !principal(c).CanManageProducts(v.Product.Domain) {
		return models.Errorf(models.EFORBIDDEN, "Only admins and the owners of %s can change its contracts.", v.Product.Domain.Name)
	}
	base, current := contractBase(v)
	e := editOf(base)
	if v.Contract == nil && len(e.Objects) == 0 {
		table := v.Port.Location
		if v.Asset != nil {
			table = v.Asset.Name
		}
		e.Objects = []odcs.ObjectEdit{{Index: -1, Name: table, Properties: []odcs.PropertyEdit{{}}}}
	}
	return s.renderContractForm(c, http.StatusOK, v, current, e, nil, "", contracts.CheckData{Current: current})
}

// contractBase is the contract an edit applies to: the saved one, or a new
// draft.
func contractBase(v *models.ContractView) (*odcs.Contract, string) {
	if v.Doc != nil {
		return v.Doc, v.Contract.Version
	}
	id := v.Product.Domain.Slug + "." + v.Product.Slug + "." + v.Port.Name
	return odcs.New(id, v.Product.Name+" · "+v.Port.Name, "0.1.0"), ""
}

// editOf is the form's view of a contract.
func editOf(doc *odcs.Contract) odcs.Edit {
	e := odcs.Edit{Version: doc.Version(), Status: doc.Status(), Name: doc.Name(), Purpose: doc.Description().Purpose}
	for i, o := range doc.Objects() {
		oe := odcs.ObjectEdit{Index: i, Name: o.Name, PhysicalName: o.PhysicalName, Description: o.Description, Properties: []odcs.PropertyEdit{}}
		for _, p := range o.Properties {
			oe.Properties = append(oe.Properties, odcs.PropertyEdit{Name: p.Name, OriginalName: p.Name, LogicalType: p.LogicalType,
				PhysicalType: p.PhysicalType, Required: p.Required, Unique: p.Unique, PrimaryKey: p.PrimaryKey,
				Classification: p.Classification, Description: p.Description})
		}
		e.Objects = append(e.Objects, oe)
	}
	return e
}

func (s *Server) renderContractForm(c echo.Context, status int, v *models.ContractView, current string, e odcs.Edit,
	errs models.FieldErrors, msg string, check contracts.CheckData) error {
	title := "Edit the contract of " + v.Port.Name
	if v.Contract == nil {
		title = "New contract for " + v.Port.Name
	}
	return s.render(c, status, contracts.Form(contracts.FormData{Page: s.page(c, title, "products"), Product: *v.Product,
		Port: v.Port.Name, Current: current, Edit: e, Errors: errs, Message: msg, Check: check}))
}

// contractColumnRow is a blank property row for "Add column"; its key only
// has to differ from the other rows'.
func (s *Server) contractColumnRow(c echo.Context) error {
	var object int
	_, _ = fmt.Sscan(c.QueryParam("object"), &object)
	if object < 0 || object > 50 {
		object = 0
	}
	key := fmt.Sprintf("%d-n%d", object, time.Now().UnixNano())
	return s.renderComponent(c, contracts.ColumnRowView(contracts.ColumnRow{Object: object, Key: key}))
}
