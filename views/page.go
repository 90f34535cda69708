package views

import (
	"encoding/json"
	"strings"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
)

// Page is what every full page's layout needs.
type Page struct {
	Title     string
	Nav       string // "home", "domains", "products": highlights the nav link
	Principal models.Principal
	CSRF      string
	Flash     *Flash
	// DevSignIn shows the banner that says the local sign-in is in use.
	DevSignIn bool
	// Assets are the static files' content hashes by name (see
	// static.Fingerprints); without one a file is linked plainly.
	Assets map[string]string
	// SearchQuery fills the header's search box (on the search page).
	SearchQuery string
}

// asset is the address of a static file, with its content hash when known.
func (p Page) asset(name string) string {
	if v := p.Assets[name]; v != "" {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}

// Flash is a one-time message shown after an action.
type Flash struct {
	Kind    string // success, error, info
	Message string
}

// csrfHeaders is the hx-headers value that makes htmx send the CSRF token
// with every request.
func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func navAttrs(current, item string) templ.Attributes {
	if current == item {
		return templ.Attributes{"aria-current": "page"}
	}
	return templ.Attributes{}
}

// Field describes one form control: its label, value, error and live
// validation endpoint.
type Field struct {
	Label    string
	ID       string // also the base of "<id>-error" and "<id>-hint"
	Name     string
	Value    string
	Error    string
	Hint     string
	Type     string // input type; "" means text
	Required bool
	// Validate is the URL htmx posts the form to as the user types or leaves
	// the field; the answer replaces the field's error message.
	Validate string
	Attrs    templ.Attributes
}

// controlAttrs are the attributes shared by inputs, selects and textareas.
func (f Field) controlAttrs(trigger string) templ.Attributes {
	a := templ.Attributes{"id": f.ID, "name": f.Name}
	describedBy := []string{f.ID + "-error"}
	if f.Hint != "" {
		describedBy = append([]string{f.ID + "-hint"}, describedBy...)
	}
	a["aria-describedby"] = strings.Join(describedBy, " ")
	if f.Error != "" {
		a["aria-invalid"] = "true"
	}
	if f.Required {
		a["required"] = true
		a["aria-required"] = "true"
	}
	if f.Validate != "" {
		a["hx-post"] = f.Validate
		a["hx-trigger"] = trigger
		a["hx-target"] = "#" + f.ID + "-error"
		a["hx-swap"] = "outerHTML"
		// No hx-sync across the form: each field's check answers into its
		// own slot, and syncing would drop one field's check while
		// another's is in flight. Per element, htmx queues the last event.
		a["hx-include"] = "closest form"
	}
	for k, v := range f.Attrs {
		a[k] = v
	}
	return a
}

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// Options turns values into options labelled with the values themselves.
func Options(values ...string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: v, Label: v}
	}
	return out
}
