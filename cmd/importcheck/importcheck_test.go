package main

import (
	"strings"
	"testing"
)

// TestTheModuleFollowsTheLayers is the check `make lint` runs, as a test.
func TestTheModuleFollowsTheLayers(t *testing.T) {
	problems, err := check("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("imports against the layers or missing package docs:\n%s", strings.Join(problems, "\n"))
	}
}

// TestWrongImportsAreFound runs the check on a small module
// (testdata/wrongway) in which models imports static (and, in a test,
// views), views imports jobs and the seed, handlers imports jobs and a test
// helper, jobs/connectors imports views, models/secrets imports models, and
// some package docs are missing or incomplete. What is allowed there stays
// quiet: a test of models importing the seed and storetest, a command
// importing the seed.
func TestWrongImportsAreFound(t *testing.T) {
	problems, err := check("testdata/wrongway")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`extra: no layer rule names this folder; add it to cmd/importcheck/rules.go`,
		`handlers/doc.go: the package comment should say what the package may import ("Imports: ...")`,
		`handlers/handlers.go:4: handlers imports jobs, but handlers may import handlers, views, models, static`,
		`handlers/handlers.go:6: handlers imports models/storetest, but models/storetest is for tests only`,
		`jobs/connectors/connectors.go:5: jobs/connectors imports views, but jobs/connectors may import jobs/connectors, models`,
		`jobs/connectors/doc.go: missing: every package has a doc.go with its package comment`,
		`models/models.go:4: models imports static, but models may import models`,
		`models/models_test.go:8: models imports views, but models may import models`,
		`models/secrets/secrets.go:3: models/secrets imports models, but models/secrets may import nothing of this module`,
		`views/views.go:4: views imports jobs, but views may import views, models`,
		`views/views.go:6: views imports models/seed, but models/seed may be imported only by cmd and tests`,
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

func TestLayerOf(t *testing.T) {
	for path, want := range map[string]string{
		"models": "models", "models/seed": "models/seed", "jobs": "jobs", "jobs/connectors": "jobs/connectors",
		"views/sources": "views", "cmd/meshport": "cmd", "handlers/oidctest": "handlers/oidctest",
		"models/storetest": "models/storetest", "models/secrets": "models/secrets", "handlers": "handlers",
	} {
		if l, ok := layerOf(path); !ok || l.folder != want {
			t.Errorf("layerOf(%q) = %q, %v; want %q", path, l.folder, ok, want)
		}
	}
	for _, path := range []string{"modelsx", "jobsconnectors", "internal"} {
		if l, ok := layerOf(path); ok {
			t.Errorf("layerOf(%q) = %q, want none", path, l.folder)
		}
	}
}
