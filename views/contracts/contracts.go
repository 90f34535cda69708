package contracts

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/views"
)

// ShowData is the contract page of one port.
type ShowData struct {
	Page     views.Page
	View     models.ContractView
	Versions []models.ContractVersion
	History  []models.CheckResult
	CanEdit  bool
	// Watching: the viewer is told of breaking changes.
	Watching bool
	Now      time.Time
}

// URL is the contract page of a port.
func URL(p models.Product, port string) string {
	return "/products/" + p.Domain.Slug + "/" + p.Slug + "/ports/" + port + "/contract"
}

func (d ShowData) url() string { return URL(*d.View.Product, d.View.Port.Name) }

func productURL(p models.Product) string { return "/products/" + p.Domain.Slug + "/" + p.Slug }

// FormData is the contract editor.
type FormData struct {
	Page    views.Page
	Product models.Product
	Port    string
	// Current is the saved version, "" for a new contract.
	Current string
	Edit    odcs.Edit
	Errors  models.FieldErrors
	Message string
	Check   CheckData
}

func (f FormData) action() string      { return URL(f.Product, f.Port) }
func (f FormData) validateURL() string { return URL(f.Product, f.Port) + "/validate" }
func (f FormData) columnRowURL(o int) string {
	return URL(f.Product, f.Port) + "/column-row?object=" + strconv.Itoa(o)
}

// CheckData is the live verdict on an edit: what changed, whether it
// breaks consumers and the version it needs.
type CheckData struct {
	Current   string
	Changes   []odcs.Change
	Bump      string
	Suggested string
	Problem   string // the version's problem, if any
	Invalid   []string
}

// ColumnRow is one property row of the editor.
type ColumnRow struct {
	Object, Index int
	Key           string
	Property      odcs.PropertyEdit
	Errors        models.FieldErrors
}

// FieldName is the form name of a property field.
func FieldName(object int, field string) string {
	return "objects[" + strconv.Itoa(object) + "].properties." + field
}

// ErrorKey is the error key of a property field, as the handler reports it.
func ErrorKey(object, index int, field string) string {
	return fmt.Sprintf("objects[%d].properties[%d].%s", object, index, field)
}

func (f FormData) rows(object int) []ColumnRow {
	props := f.Edit.Objects[object].Properties
	out := make([]ColumnRow, len(props))
	for i, p := range props {
		errs := models.FieldErrors{}
		for _, field := range []string{"name", "logicalType", "physicalType"} {
			if msg := f.Errors[ErrorKey(object, i, field)]; msg != "" {
				errs[field] = msg
			}
		}
		out[i] = ColumnRow{Object: object, Index: i, Key: fmt.Sprintf("%d-%d", object, i), Property: p, Errors: errs}
	}
	return out
}

func (r ColumnRow) id(field string) string { return "col-" + r.Key + "-" + field }

// LogicalTypes are ODCS v3.1's logical types.
func LogicalTypes() []string {
	return []string{"string", "date", "timestamp", "time", "number", "integer", "object", "array", "boolean"}
}

// Statuses are the contract statuses the editor offers (ODCS leaves the
// field open; these are the standard's examples).
func Statuses() []string { return []string{"proposed", "draft", "active", "deprecated", "retired"} }

func logicalOptions() []views.Option {
	return append([]views.Option{{Value: "", Label: "(not given)"}}, views.Options(LogicalTypes()...)...)
}

func statusOptions(current string) []views.Option {
	opts := views.Options(Statuses()...)
	for _, s := range Statuses() {
		if s == current {
			return opts
		}
	}
	if current != "" {
		opts = append(opts, views.Option{Value: current, Label: current})
	}
	return opts
}

func checkBadge(status string) string {
	return "badge badge-check-" + strings.ReplaceAll(status, " ", "-")
}

func measured(r models.CheckResult) string {
	if r.Measured == nil {
		return "–"
	}
	return strconv.FormatFloat(*r.Measured, 'f', -1, 64)
}

func ruleLabel(r models.CheckResult) string {
	if r.RuleName != "" {
		return r.RuleName
	}
	if r.Property != "" {
		return r.Property + " · " + r.Metric
	}
	if r.Metric != "" {
		return r.Metric
	}
	return r.RuleID
}

func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// DiffLine is one line of a version's YAML against the version before.
type DiffLine struct {
	Op   string // "+", "-" or " "
	Text string
}

// VersionData is one version with its diff against the one before.
type VersionData struct {
	Page    views.Page
	Product models.Product
	Port    string
	Version models.ContractVersion
	Before  string // the version before, "" for the first
	Diff    []DiffLine
}

func diffClass(op string) string {
	switch op {
	case "+":
		return "diff-add"
	case "-":
		return "diff-del"
	}
	return "diff-same"
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func joinNames(names []string) string { return strings.Join(names, "; ") }

func versionHint(current string) string {
	if current == "" {
		return "Semantic version, e.g. 1.0.0."
	}
	return "Saved: " + current + ". A breaking change needs a new major version; others a minor or patch bump."
}
