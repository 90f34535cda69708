package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/meshport/meshport/models/seed"
)

const usage = `meshport: self-serve data mesh portal

Usage:
  meshport [serve] [flags]                      serve the portal (default)
  meshport migrate [flags]                      apply database migrations
  meshport seed --domains N --products N        add generated domains and products
    [--sources N --assets N]                    and crawled-looking assets with findings
  meshport admin token --email E --role ROLE    print a new API token
  meshport reports send [--frequency F]         queue this period's reports and send them now
  meshport reports preview --email E [--html]   print one person's report
  meshport policies export                      print the policies as a policies file (YAML)
  meshport policies apply -f FILE [--dry-run]   apply a policies file (--adopt: as admin, at once)
  meshport contracts export --port D/P/PORT     print a port's data contract (ODCS v3.1.0 YAML)
  meshport contracts import --port D/P/PORT -f FILE  save an ODCS file as the port's contract
  meshport apply -f FILE|DIR [--dry-run]        create or update products from ODPS files, all or none
  meshport search reindex                       rebuild the search index (writes keep it current)

Every flag can also be set as MESHPORT_<FLAG> (e.g. MESHPORT_DATABASE_URL).
Run "meshport COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "meshport:", err)
		}
		os.Exit(1)
	}
}

// run dispatches to a subcommand; it is main without the process exit.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCmd(ctx, args, stderr)
	case "migrate":
		return migrateCmd(ctx, args, stdout, stderr)
	case "seed":
		return seedCmd(ctx, args, stdout, stderr)
	case "admin":
		return adminCmd(ctx, args, stdout, stderr)
	case "reports":
		return reportsCmd(ctx, args, stdout, stderr)
	case "policies":
		return policiesCmd(ctx, args, stdout, stderr)
	case "contracts":
		return contractsCmd(ctx, args, stdout, stderr)
	case "apply":
		return applyCmd(ctx, args, stdout, stderr)
	case "search":
		return searchCmd(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("meshport "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// newLogger logs JSON unless writing to a terminal (or told otherwise).
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	text := cfg.LogFormat == "text"
	if cfg.LogFormat == "auto" {
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			text = true
		}
	}
	if text {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("serve", stderr)
	registerConfig(fs, &cfg)
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	start := time.Now()
	app, err := NewApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	log.Info("ready", "startup_ms", time.Since(start).Milliseconds())
	return app.Serve(ctx)
}

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("migrate", stderr)
	registerConfig(fs, &cfg)
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	store, err := openMigrated(ctx, cfg, models.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	applied, err := store.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is at migration %s (%d applied)\n", models.RedactURL(cfg.DatabaseURL), applied[len(applied)-1], len(applied))
	return nil
}

func seedCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("seed", stderr)
	registerConfig(fs, &cfg)
	domains := fs.Int("domains", 10, "number of domains to add")
	products := fs.Int("products", 100, "number of products to add, spread over the new domains")
	demo := fs.Bool("demo", false, "add the small demo data set instead (only into an empty database)")
	sources := fs.Int("sources", 10, "with --assets: number of (disabled, never crawled) sources to spread the assets over")
	assets := fs.Int("assets", 0, "number of assets to add as if crawled, with ports on them for most products, findings and 90 days of health totals; needs --secret-key (or --dev) to seal the sources' connections")
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	if *assets < 0 || *assets > 0 && (*sources < 1 || *demo) {
		return fmt.Errorf("--assets needs --sources of at least 1, and no --demo")
	}
	if cfg.SecretKey == "" && cfg.Dev {
		cfg.SecretKey = devSecretKey // as serve --dev does, so it can read them
	}
	if *assets > 0 && len(cfg.SecretKey) < 32 {
		return fmt.Errorf("--assets seals the sources' connections: give the portal's --secret-key (MESHPORT_SECRET_KEY), or --dev for the development key")
	}
	var sealer *secrets.Sealer // --assets seals the sources' connections
	if *assets > 0 {
		var err error
		if sealer, err = secrets.NewSealer(cfg.SecretKey); err != nil {
			return err
		}
	}
	store, err := openMigrated(ctx, cfg, cfg.storeOptions(sealer, cfg.sourcesPolicy(), nil))
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if *demo {
		err = seed.Demo(ctx, store)
	} else {
		err = seed.Bulk(ctx, store, *domains, *products)
	}
	if err != nil {
		return err
	}
	if *assets > 0 {
		fmt.Fprintf(stdout, "domains and products seeded in %s\n", time.Since(start).Round(time.Millisecond))
		assetsStart := time.Now()
		res, err := seed.Assets(ctx, store, *sources, *assets)
		if err != nil {
			return err
		}
		t := res.Totals
		fmt.Fprintf(stdout, "%d sources, %d assets, %d ports, %d findings opened (dark data %d, usage unknown %d, stale %d, unused %d) in %s\n",
			res.Sources, res.Assets, res.Ports, res.Findings, t.DarkAssets, t.UnknownAssets, t.StaleProducts, t.UnusedProducts,
			time.Since(assetsStart).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "seeded in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func adminCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "token" {
		return fmt.Errorf("usage: meshport admin token --email E --role admin|viewer [--name N] [--expires 90d]")
	}
	var cfg Config
	fs := newFlagSet("admin token", stderr)
	registerConfig(fs, &cfg)
	email := fs.String("email", "", "email of the user the token acts for (created if new)")
	role := fs.String("role", "admin", "admin (full rights) or viewer (read only)")
	name := fs.String("name", "automation", "a name to recognise the token by")
	expires := fs.String("expires", "", "lifetime such as 90d or 12w; empty for no expiry")
	if err := parseConfig(fs, args[1:]); err != nil {
		return err
	}
	if *role != models.TokenRoleAdmin && *role != models.TokenRoleViewer {
		return fmt.Errorf("--role must be admin or viewer")
	}
	if *email == "" || !strings.Contains(*email, "@") {
		return fmt.Errorf("--email must be an email address")
	}
	var expiresAt *time.Time
	if *expires != "" {
		d, err := models.ParseFreshnessSLA(*expires) // same duration syntax as SLAs
		if err != nil || d == 0 {
			return fmt.Errorf("--expires: use a duration such as 30d or 12w")
		}
		t := time.Now().UTC().Add(d.Duration())
		expiresAt = &t
	}
	store, err := openMigrated(ctx, cfg, models.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	user, err := store.UpsertUser(ctx, models.User{Issuer: "meshport-cli", Subject: *email, Email: *email, EmailVerified: true, Name: *email})
	if err != nil {
		return err
	}
	secret, _, err := store.CreateToken(ctx, user.ID, *name, *role, expiresAt)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

func openMigrated(ctx context.Context, cfg Config, opts models.Options) (*models.Store, error) {
	store, err := models.Open(cfg.DatabaseURL, opts)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}
