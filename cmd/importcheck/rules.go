package main

import "strings"

// A layer is a folder of the module and the folders its packages may import
// from (each with everything below it); "*" allows any.
type layer struct {
	folder string
	may    []string
}

// layers are checked longest folder first, so jobs/connectors is not taken
// for jobs.
var layers = []layer{
	{"cmd", []string{"*"}},
	{"handlers", []string{"handlers", "views", "models", "static"}},
	{"jobs/connectors", []string{"jobs/connectors", "models"}},
	{"jobs", []string{"jobs", "views", "models"}},
	{"views", []string{"views", "models"}},
	{"models", []string{"models"}},
	{"static", nil},
}

// within reports whether path (relative to the module) is folder or lies
// below it.
func within(path, folder string) bool {
	return path == folder || strings.HasPrefix(path, folder+"/")
}

// layerOf is the layer of a package path relative to the module; ok is false
// for a folder no rule names.
func layerOf(path string) (layer, bool) {
	best, found := layer{}, false
	for _, l := range layers {
		if within(path, l.folder) && len(l.folder) > len(best.folder) {
			best, found = l, true
		}
	}
	return best, found
}

// allowed reports whether a package in l may import the module's package
// at path.
func (l layer) allowed(path string) bool {
	for _, m := range l.may {
		if m == "*" || within(path, m) {
			return true
		}
	}
	return false
}
