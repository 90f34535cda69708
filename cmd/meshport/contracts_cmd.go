package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/meshport/meshport/models"
)

const contractsUsage = `usage: meshport contracts export --port DOMAIN/PRODUCT/PORT [--json] [--database-url URL]
       meshport contracts import --port DOMAIN/PRODUCT/PORT -f FILE [--as EMAIL] [--database-url URL]`

// contractsCmd is "meshport contracts import|export": a port's ODCS
// contract from and to a file. It opens only the database.
func contractsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		return errors.New(contractsUsage)
	}
	sub, args := args[0], args[1:]
	var cfg Config
	fs := newFlagSet("contracts "+sub, stderr)
	registerConfig(fs, &cfg)
	var port, file, as string
	var asJSON bool
	fs.StringVar(&port, "port", "", "the output port: domain/product/port")
	if sub == "import" {
		fs.StringVar(&file, "f", "", "the ODCS YAML (or JSON) file (- for standard input)")
		fs.StringVar(&as, "as", "", "email of the user who saves it (default: as an admin from the command line)")
	} else {
		fs.BoolVar(&asJSON, "json", false, "print JSON instead of YAML")
	}
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), contractsUsage)
	}
	parts := strings.Split(port, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return fmt.Errorf("give the port as --port domain/product/port\n%s", contractsUsage)
	}
	var data []byte
	if sub == "import" {
		if file == "" {
			return errors.New("give the contract file: -f contract.odcs.yaml")
		}
		var err error
		if data, err = readInput(file); err != nil {
			return err
		}
	}
	store, err := openMigrated(ctx, cfg, cfg.storeOptions(nil, models.SourcePolicy{}, nil))
	if err != nil {
		return err
	}
	defer store.Close()
	if sub == "export" {
		v, err := store.PortContract(ctx, parts[0], parts[1], parts[2])
		if err != nil {
			return errors.New(describeError(err))
		}
		if v.Doc == nil {
			return fmt.Errorf("port %s has no contract", port)
		}
		out := v.Doc.YAML()
		if asJSON {
			out = append(v.Doc.JSON(), '\n')
		}
		_, err = stdout.Write(out)
		return err
	}
	p, err := cliPrincipal(ctx, store, as, "meshport contracts import")
	if err != nil {
		return err
	}
	doc, err := models.ParseContract(data)
	if err != nil {
		return fmt.Errorf("%s: %s; nothing was imported", file, describeError(err))
	}
	saved, err := store.SaveContract(ctx, p, parts[0], parts[1], parts[2], doc)
	if err != nil {
		return fmt.Errorf("%s: %s; nothing was imported", file, describeError(err))
	}
	if saved.Version == nil {
		fmt.Fprintf(stdout, "%s: unchanged (version %s)\n", port, saved.Contract.Version)
		return nil
	}
	fmt.Fprintf(stdout, "%s: saved version %s\n", port, saved.Contract.Version)
	for _, c := range saved.Version.Changes {
		fmt.Fprintf(stdout, "  %s\n", c)
	}
	return nil
}

// cliPrincipal is the user --as names, or an admin acting from the
// command line.
func cliPrincipal(ctx context.Context, store *models.Store, as, name string) (models.Principal, error) {
	if as == "" {
		return models.Principal{Name: name, Admin: true, Via: "cli"}, nil
	}
	p, err := store.UserPrincipal(ctx, as)
	if err != nil {
		return p, fmt.Errorf("--as: %s", describeError(err))
	}
	return p, nil
}

func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(os.Stdin, 3<<20))
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Size() > 3<<20 {
		return nil, fmt.Errorf("%s is %d bytes; a document may have at most 2 MB", name, st.Size())
	}
	return os.ReadFile(name)
}

const applyUsage = `usage: meshport apply -f FILE|DIR [--dry-run] [--as EMAIL] [--database-url URL]`

// applyCmd is "meshport apply -f": create or update products from ODPS
// files (a file, or every *.yaml, *.yml and *.json in a folder), all or
// none.
func applyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("apply", stderr)
	registerConfig(fs, &cfg)
	var path, as string
	var dryRun bool
	fs.StringVar(&path, "f", "", "an ODPS file, or a folder of them (- for standard input)")
	fs.BoolVar(&dryRun, "dry-run", false, "check everything and say what would change; write nothing")
	fs.StringVar(&as, "as", "", "email of the user who applies (default: as an admin from the command line)")
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || path == "" {
		return errors.New(applyUsage)
	}
	files, err := readODPSFiles(path)
	if err != nil {
		return err
	}
	store, err := openMigrated(ctx, cfg, cfg.storeOptions(nil, models.SourcePolicy{}, nil))
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := cliPrincipal(ctx, store, as, "meshport apply")
	if err != nil {
		return err
	}
	applied, err := store.ApplyODPS(ctx, p, files, dryRun)
	if err != nil {
		return errors.New(describeError(err))
	}
	verb := map[bool]string{true: "would be ", false: ""}[dryRun]
	for _, a := range applied {
		fmt.Fprintf(stdout, "%s: %s/%s %s%s\n", a.File, a.Domain, a.Product, verb, a.Action)
		for _, w := range a.Warnings {
			fmt.Fprintf(stdout, "  note: %s\n", w)
		}
	}
	return nil
}

func readODPSFiles(path string) ([]models.ODPSFile, error) {
	if path == "-" {
		data, err := readInput("-")
		return []models.ODPSFile{{Name: "stdin", Data: data}}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		data, err := readInput(path)
		return []models.ODPSFile{{Name: path, Data: data}}, err
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var files []models.ODPSFile
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		name := filepath.Join(path, e.Name())
		data, err := readInput(name)
		if err != nil {
			return nil, err
		}
		files = append(files, models.ODPSFile{Name: name, Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	if len(files) == 0 {
		return nil, fmt.Errorf("%s has no .yaml, .yml or .json files", path)
	}
	return files, nil
}
