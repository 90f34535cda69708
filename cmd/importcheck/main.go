package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: importcheck [module dir]") }
	flag.Parse()
	dir := "."
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	problems, err := check(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "importcheck:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		fmt.Printf("importcheck: %d problem(s); the layers are in cmd/importcheck/rules.go and DEVELOPERS.md\n", len(problems))
		os.Exit(1)
	}
}

// pkg is what `go list -json` says of a package.
type pkg struct {
	ImportPath                         string
	Dir                                string
	Name                               string
	GoFiles, TestGoFiles, XTestGoFiles []string
	Imports, TestImports, XTestImports []string
	Module                             *struct{ Path string }
	Error                              *struct{ Err string }
}

// check lists the module's packages in dir and returns every import that
// runs the wrong way and every package without a proper doc.go, sorted.
func check(dir string) ([]string, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	pkgs, err := list(root)
	if err != nil {
		return nil, err
	}
	relative := func(path string) string {
		if r, err := filepath.Rel(root, path); err == nil {
			return r
		}
		return path
	}
	var problems []string
	for _, p := range pkgs {
		if p.Module == nil {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, p.Module.Path), "/")
		l, ok := layerOf(rel)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: no layer rule names this folder; add it to cmd/importcheck/rules.go", rel))
			continue
		}
		if p.Error != nil {
			problems = append(problems, fmt.Sprintf("%s: go list: %s", rel, p.Error.Err))
		}
		seen := map[string]bool{}
		for _, group := range []struct {
			imports []string
			inTest  bool
		}{{p.Imports, false}, {p.TestImports, true}, {p.XTestImports, true}} {
			for _, imp := range group.imports {
				key := fmt.Sprint(imp, group.inTest)
				if seen[key] || !within(imp, p.Module.Path) || imp == p.ImportPath {
					continue
				}
				seen[key] = true
				target := strings.TrimPrefix(strings.TrimPrefix(imp, p.Module.Path), "/")
				why := l.mayImport(target, group.inTest)
				if why == "" {
					continue
				}
				for _, at := range importedAt(p, imp, group.inTest) {
					problems = append(problems, fmt.Sprintf("%s: %s imports %s, but %s", relative(at), rel, target, why))
				}
			}
		}
		if msg := docProblem(p); msg != "" {
			problems = append(problems, fmt.Sprintf("%s: %s", relative(filepath.Join(p.Dir, "doc.go")), msg))
		}
	}
	sort.Strings(problems)
	return problems, nil
}

// list runs go list in dir.
func list(dir string) ([]pkg, error) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Dir,Name,GoFiles,TestGoFiles,XTestGoFiles,Imports,TestImports,XTestImports,Module,Error", "./...")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list in %s: %v: %s", dir, err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// importedAt names the file:line of each import of path in p's test or
// non-test files, so the message points at the line to change.
func importedAt(p pkg, path string, inTest bool) []string {
	var at []string
	fset := token.NewFileSet()
	files := p.GoFiles
	if inTest {
		files = append(append([]string{}, p.TestGoFiles...), p.XTestGoFiles...)
	}
	for _, name := range files {
		file := filepath.Join(p.Dir, name)
		f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, spec := range f.Imports {
			if v, err := strconv.Unquote(spec.Path.Value); err == nil && v == path {
				at = append(at, fmt.Sprintf("%s:%d", file, fset.Position(spec.Pos()).Line))
			}
		}
	}
	if len(at) == 0 {
		at = []string{p.Dir}
	}
	return at
}

// docProblem is what is wrong with the package's doc.go ("" when nothing):
// it must exist, hold the package comment ("Package x ..." or, for a
// command, "Command x ...") and say what the package may import.
func docProblem(p pkg) string {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, "doc.go"), nil, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "missing: every package has a doc.go with its package comment"
		}
		return err.Error()
	}
	if f.Doc == nil {
		return "no package comment above the package clause"
	}
	text := f.Doc.Text()
	want := "Package " + f.Name.Name + " "
	if f.Name.Name == "main" {
		want = "Command " + filepath.Base(p.Dir) + " "
	}
	if !strings.HasPrefix(text, want) {
		return fmt.Sprintf("the package comment should begin %q", want)
	}
	if !strings.Contains(text, "Imports:") {
		return `the package comment should say what the package may import ("Imports: ...")`
	}
	return ""
}
