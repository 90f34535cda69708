package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
)

// TestKilledCrawlIsInterruptedAtRestart kills the real binary (SIGKILL) in
// the middle of a crawl and starts it again: the run is marked interrupted
// at once, and crawling works again.
func TestKilledCrawlIsInterruptedAtRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "meshport")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dbPath := filepath.Join(dir, "portal.db")
	sourceDB := newSourceDatabase(t, "CREATE TABLE public.slow (id int, at timestamptz)")
	addr := "127.0.0.1:" + freePort(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--dev", "--addr", addr, "--database-url", dbPath, "--log-format", "json")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitReady(t, "http://"+addr)
		return cmd
	}
	first := start()
	t.Cleanup(func() { _ = first.Process.Kill(); _, _ = first.Process.Wait() })

	// The test's own view of the portal database, with the same key.
	sealer, _ := secrets.NewSealer(devSecretKey)
	store, err := models.Open(dbPath, models.Options{Sealer: sealer, SourcePolicy: models.SourcePolicy{AllowLoopback: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	src, err := store.CreateSource(context.Background(), models.Principal{Name: "test", Admin: true, Via: "cli"}, models.SourceInput{
		Name: "Slow", Domain: "checkout", Kind: "postgres", DSN: "postgres://postgres@127.0.0.1:5432/" + sourceDB + "?sslmode=disable",
		FreshnessColumns: []string{"public.slow=at"}, Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}

	// Hold a lock the crawl must wait for, so it is still running when killed.
	lockConn := lockTable(t, sourceDB, "public.slow")
	defer lockConn.Close(context.Background())

	b := signInTo(t, "http://"+addr, "omar")
	b.get("/sources/" + src.Slug)
	if res, _ := b.post("/sources/"+src.Slug+"/crawl", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("crawl now: %d", res.StatusCode)
	}
	run := waitForNewestRun(t, store, src.ID, func(r models.CrawlRun) bool { return r.Status == models.RunRunning })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = first.Process.Wait()
	if got, _ := store.GetRun(context.Background(), run.ID); got.Status != models.RunRunning {
		t.Fatalf("the killed process's run is %q before the restart; the test proves nothing", got.Status)
	}

	second := start()
	t.Cleanup(func() { _ = second.Process.Signal(syscall.SIGTERM); _, _ = second.Process.Wait() })
	got, err := store.GetRun(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != models.RunInterrupted || !strings.Contains(got.Error, "stopped") || got.FinishedAt == nil {
		t.Fatalf("after the restart the run is %q (%q)", got.Status, got.Error)
	}
	page := b.get("/sources/" + src.Slug)
	if status := text(page.Doc.Find("#run-table tbody tr").First().Find(".badge")); status != models.RunInterrupted {
		t.Errorf("the source page shows the run as %q", status)
	}

	// With the lock gone a new crawl succeeds: nothing was left blocking.
	lockConn.Close(context.Background())
	b.get("/sources/" + src.Slug)
	if res, _ := b.post("/sources/"+src.Slug+"/crawl", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("crawl again: %d", res.StatusCode)
	}
	waitForNewestRun(t, store, src.ID, func(r models.CrawlRun) bool { return r.ID != run.ID && r.Status == models.RunSucceeded })
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not become ready", base)
}

// signInTo signs a demo user in to a portal started outside the test.
func signInTo(t *testing.T, base, subject string) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.get("/login")
	if res, _ := b.post("/login", url.Values{"subject": {subject}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	return b
}

// waitForNewestRun polls until the source's newest run matches.
func waitForNewestRun(t *testing.T, store *models.Store, sourceID uint, match func(models.CrawlRun) bool) models.CrawlRun {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		runs, err := store.ListRuns(context.Background(), sourceID, 1)
		if err == nil && len(runs) == 1 && match(runs[0]) {
			return runs[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	runs, _ := store.ListRuns(context.Background(), sourceID, 1)
	t.Fatalf("no matching run; newest: %+v", runs)
	return models.CrawlRun{}
}

// lockTable holds an ACCESS EXCLUSIVE lock on table until the connection
// is closed.
func lockTable(t *testing.T, database, table string) *pgx.Conn {
	t.Helper()
	conn := connectSourceDatabase(t, database)
	for _, stmt := range []string{"BEGIN", fmt.Sprintf("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", table)} {
		if _, err := conn.Exec(context.Background(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}
