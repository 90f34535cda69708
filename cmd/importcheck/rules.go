package main

import "strings"

// A layer is a folder of the module, the folders its packages may import
// from (each with everything below it; "*" allows any), and who may import
// it when not everyone may.
type layer struct {
	folder string
	may    []string
	// testsOnly layers are imported by test files only (test helpers).
	testsOnly bool
	// importers, when set, are the only folders whose non-test files may
	// import this layer.
	importers []string
}

// layers are matched longest folder first, so jobs/connectors is not taken
// for jobs, nor models/seed for models.
var layers = []layer{
	{folder: "cmd", may: []string{"*"}},
	{folder: "handlers", may: []string{"handlers", "views", "models", "static"}},
	{folder: "handlers/oidctest", testsOnly: true},
	{folder: "jobs/connectors", may: []string{"jobs/connectors", "models"}},
	{folder: "jobs", may: []string{"jobs", "views", "models"}},
	{folder: "views", may: []string{"views", "models"}},
	{folder: "models", may: []string{"models"}},
	{folder: "models/bitol"},
	{folder: "models/contractcheck"},
	{folder: "models/odcs", may: []string{"models/bitol"}},
	{folder: "models/odps", may: []string{"models/bitol"}},
	{folder: "models/policy"},
	{folder: "models/secrets"},
	{folder: "models/seed", may: []string{"models"}, importers: []string{"cmd"}},
	{folder: "models/storetest", may: []string{"models"}, testsOnly: true},
	{folder: "static"},
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

// mayImport says why a package in layer from may not import the module's
// package at path, from a test file or not ("" when it may).
func (from layer) mayImport(path string, inTest bool) string {
	allowed := false
	for _, m := range from.may {
		if m == "*" || within(path, m) {
			allowed = true
		}
	}
	if !allowed {
		may := strings.Join(from.may, ", ")
		if may == "" {
			may = "nothing of this module"
		}
		return from.folder + " may import " + may
	}
	to, ok := layerOf(path)
	switch {
	case !ok || inTest:
		return ""
	case to.testsOnly:
		return to.folder + " is for tests only"
	case to.importers != nil:
		for _, f := range to.importers {
			if within(from.folder, f) {
				return ""
			}
		}
		return to.folder + " may be imported only by " + strings.Join(to.importers, ", ") + " and tests"
	}
	return ""
}
