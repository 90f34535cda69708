package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models/storetest"
)

// mailpitModule is the SMTP server the report tests send to, the same
// version as MAILPIT_MODULE in the Makefile.
const mailpitModule = "github.com/axllent/mailpit@v1.27.11"

// mailpit is a real SMTP server with an HTTP API to read what arrived. It
// keeps its messages in a file, so it can be stopped and started again on
// the same ports (an SMTP server that is down for a while).
type mailpit struct {
	t                  testing.TB
	bin, db            string
	smtpPort, httpPort string
	cmd                *exec.Cmd
}

func startMailpit(t testing.TB) *mailpit {
	t.Helper()
	storetest.NeedsService(t, "mailpit (SMTP)")
	m := &mailpit{t: t, bin: mailpitBinary(t), db: filepath.Join(t.TempDir(), "mailpit.db"),
		smtpPort: freePort(t), httpPort: freePort(t)}
	m.start()
	t.Cleanup(m.stop)
	return m
}

func (m *mailpit) start() {
	m.t.Helper()
	cmd := exec.Command(m.bin, "--smtp", "127.0.0.1:"+m.smtpPort, "--listen", "127.0.0.1:"+m.httpPort,
		"--database", m.db, "--max", "0", "--disable-version-check")
	logFile, err := os.Create(filepath.Join(m.t.TempDir(), "mailpit.log"))
	if err != nil {
		m.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("start mailpit: %v", err)
	}
	m.cmd = cmd
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(m.api("/api/v1/messages"))
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			m.t.Fatalf("mailpit did not answer: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (m *mailpit) stop() {
	if m.cmd != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
		m.cmd = nil
	}
}

func (m *mailpit) api(path string) string { return "http://127.0.0.1:" + m.httpPort + path }

// mailSummary is a message as mailpit lists it.
type mailSummary struct {
	ID        string
	MessageID string
	Subject   string
	To        []struct{ Address string }
}

// mailMessage is one message with its parts.
type mailMessage struct {
	mailSummary
	Text, HTML string
}

func (m *mailpit) get(path string, out any) {
	m.t.Helper()
	res, err := http.Get(m.api(path))
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		m.t.Fatalf("mailpit %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		m.t.Fatal(err)
	}
}

// messages lists everything that arrived, by recipient.
func (m *mailpit) messages() map[string][]mailSummary {
	m.t.Helper()
	var list struct {
		Total    int
		Messages []mailSummary
	}
	m.get("/api/v1/messages?limit=5000", &list)
	out := map[string][]mailSummary{}
	for _, s := range list.Messages {
		for _, to := range s.To {
			out[strings.ToLower(to.Address)] = append(out[strings.ToLower(to.Address)], s)
		}
	}
	return out
}

func (m *mailpit) message(id string) mailMessage {
	m.t.Helper()
	var msg mailMessage
	m.get("/api/v1/message/"+id, &msg)
	return msg
}

// waitForMail polls until n messages arrived.
func (m *mailpit) waitForMail(n int) map[string][]mailSummary {
	m.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := m.messages()
		total := 0
		for _, list := range got {
			total += len(list)
		}
		if total >= n {
			return got
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("%d messages arrived within 30 s, want %d: %v", total, n, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mailpitBinary installs mailpit into the user's cache directory the
// first time (a few minutes), so later runs start it at once.
func mailpitBinary(t testing.TB) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	version := mailpitModule[strings.LastIndex(mailpitModule, "@")+1:]
	dir := filepath.Join(cache, "meshport-test-tools", "mailpit-"+version)
	bin := filepath.Join(dir, "mailpit")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	cmd := exec.Command("go", "install", mailpitModule)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install %s: %v\n%s", mailpitModule, err, out)
	}
	return bin
}

func TestMailpitVersionMatchesMakefile(t *testing.T) {
	t.Parallel()
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(makefile), "MAILPIT_MODULE := "+mailpitModule+"\n") {
		t.Fatalf("the Makefile's MAILPIT_MODULE differs from %s; keep them the same", mailpitModule)
	}
}

// smtpConfig points a portal's reports at m.
func (m *mailpit) smtpConfig(cfg *Config) {
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPFrom, cfg.SMTPTLS = "127.0.0.1", atoi(m.smtpPort), "meshport@example.com", "none"
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
