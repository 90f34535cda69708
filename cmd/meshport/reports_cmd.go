package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/reports"
)

// reportsCmd is "meshport reports send|preview": reports for operators and
// scripts, through the same wiring as the server.
func reportsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "send" && args[0] != "preview") {
		return fmt.Errorf("usage: meshport reports send [--frequency weekly|daily] | meshport reports preview --email E [--html]")
	}
	sub, args := args[0], args[1:]
	var cfg Config
	fs := newFlagSet("reports "+sub, stderr)
	registerConfig(fs, &cfg)
	frequency := fs.String("frequency", models.ReportWeekly, "send: which reports to queue for the current period (weekly or daily)")
	email := fs.String("email", "", "preview: whose report")
	html := fs.Bool("html", false, "preview: print the HTML part instead of the text")
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	cfg.DemoWarehouse = false // a command does not register the demo source
	app, err := NewApp(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer app.Close()
	switch sub {
	case "preview":
		if *email == "" {
			return fmt.Errorf("give --email: whose report to preview")
		}
		rep, htmlPart, text, err := app.Reports.Preview(ctx, *email)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "To: %s\nSubject: %s\n\n", rep.Recipient.Email, reports.Subject(rep))
		if *html {
			fmt.Fprint(stdout, htmlPart)
		} else {
			fmt.Fprint(stdout, text)
		}
		return nil
	default:
		if *frequency != models.ReportWeekly && *frequency != models.ReportDaily {
			return fmt.Errorf("--frequency must be weekly or daily")
		}
		if !app.Reports.SMTPConfigured() {
			return fmt.Errorf("no SMTP server is configured: set MESHPORT_SMTP_HOST and MESHPORT_SMTP_FROM")
		}
		queued, err := app.Reports.Queue(ctx, *frequency, "cli")
		if err != nil {
			return err
		}
		sent, failed, err := app.Reports.Deliver(ctx)
		fmt.Fprintf(stdout, "%d reports queued for this period, %d sent, %d failed (retried by the server later; see Deliveries)\n", queued, sent, failed)
		return err
	}
}
