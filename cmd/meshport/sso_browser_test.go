package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/meshport/meshport/models/seed"
	"github.com/meshport/meshport/models/storetest"
)

// exampleOP is the zitadel/oidc example OpenID Provider, the same version as
// OP_MODULE in the Makefile (TestExampleOPVersionMatchesMakefile).
const exampleOP = "github.com/zitadel/oidc/v3/example/server@v3.51.17"

// startExampleOP builds (once per machine) and starts the example provider
// with the demo users of scripts/dev-sso-users.json, allowing redirectURI.
// It returns the issuer.
func startExampleOP(t *testing.T, redirectURI string) string {
	t.Helper()
	storetest.NeedsService(t, "the zitadel/oidc example provider")
	bin := exampleOPBinary(t)
	port := freePort(t)
	users, _ := filepath.Abs("../../scripts/dev-sso-users.json")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+port, "USERS_FILE="+users, "REDIRECT_URI="+redirectURI)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "op.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the example OpenID Provider: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	issuer := "http://localhost:" + port + "/"
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(issuer + ".well-known/openid-configuration")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return issuer
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("the example OpenID Provider did not answer at %s: %v\n%s", issuer, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exampleOPBinary installs the provider into the user's cache directory the
// first time (about half a minute), so later runs start it at once.
func exampleOPBinary(t *testing.T) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	version := exampleOP[strings.LastIndex(exampleOP, "@")+1:]
	dir := filepath.Join(cache, "meshport-test-tools", "oidc-example-server-"+version)
	bin := filepath.Join(dir, "server")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	cmd := exec.Command("go", "install", exampleOP)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install %s: %v\n%s", exampleOP, err, out)
	}
	return bin
}

func freePort(t testing.TB) string {
	t.Helper()
	handedOut.Lock()
	defer handedOut.Unlock()
	// Below the kernel's ephemeral range, which every Listen on port 0 (the
	// test apps, other tests' clients) draws from: a port handed to a child
	// process cannot be taken by another test before the child binds it.
	low := ephemeralLow()
	for range 1000 {
		port := 10000 + rand.IntN(low-10000)
		if handedOut.ports[port] {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // in use
		}
		ln.Close()
		handedOut.ports[port] = true
		return strconv.Itoa(port)
	}
	t.Fatal("no free port found")
	return ""
}

// ephemeralLow is the lowest port the kernel hands out for port 0.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 11000 {
				return n
			}
		}
	}
	return 32768 // Linux's default
}

// handedOut are the ports freePort gave out in this process.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

func TestExampleOPVersionMatchesMakefile(t *testing.T) {
	t.Parallel()
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(makefile), "OP_MODULE := "+exampleOP+"\n") {
		t.Fatalf("the Makefile's OP_MODULE differs from %s; keep them the same", exampleOP)
	}
}

// TestBrowserSSO signs in through a real OpenID Provider's login page in
// Chromium: deep link, the user's name, a product created in the domain the
// user owns, a refusal in another domain, and sign-out.
func TestBrowserSSO(t *testing.T) {
	t.Parallel()
	ln := listenLoopback(t)
	portal := "http://" + ln.Addr().String()
	issuer := startExampleOP(t, portal+"/auth/callback")

	cfg := testConfig(filepath.Join(t.TempDir(), "meshport.db"))
	cfg.Dev = false
	cfg.SecretKey = "e2e-secret-key-0123456789-abcdefghij"
	cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCClientSecret = issuer, "web", "secret"
	cfg.OIDCRedirectURL = portal + "/auth/callback"
	cfg.AdminEmails = "ada@example.com"
	app := newTestAppOn(t, cfg, ln)
	if err := seed.Demo(context.Background(), app.Store); err != nil {
		t.Fatal(err)
	}

	ctx := newChromium(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	eventually := func(what, js string) {
		t.Helper()
		waitInBrowser(t, ctx, 10*time.Second, what, js)
	}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}

	deepLink := portal + "/products/new?domain=checkout"
	step("open a deep link and choose to sign in",
		chromedp.Navigate(deepLink),
		chromedp.WaitVisible(chromedp.CSS(`#sso-start`)),
		chromedp.Click(chromedp.CSS(`#sso-start`)),
		chromedp.WaitVisible(chromedp.CSS(`#username`)))
	if loc := location(); !strings.HasPrefix(loc, issuer) {
		t.Fatalf("the sign-in button led to %s, not the provider %s", loc, issuer)
	}

	step("a wrong password is refused by the provider",
		chromedp.SendKeys(chromedp.CSS(`#username`), "omar"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "wrong"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Login")]`)))
	// The provider answers with its login page again, now with a message;
	// wait for that page, not the one the click left.
	eventually("the provider's refusal", `document.readyState === 'complete' && !!document.querySelector('#username') &&
		[...document.querySelectorAll('form p')].some(p => p.textContent.trim() !== '')`)
	if loc := location(); !strings.HasPrefix(loc, issuer) {
		t.Fatalf("a wrong password at the provider led to %s", loc)
	}

	step("sign in at the provider's login page",
		chromedp.Clear(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "omar"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "meshport"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Login")]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.form`)))
	if loc := location(); loc != deepLink {
		t.Fatalf("after sign-in landed on %s, want the deep link %s", loc, deepLink)
	}
	if who := text(`header`); !strings.Contains(who, "Omar Owner") {
		t.Fatalf("the header does not name the user: %q", who)
	}

	step("create a product in Checkout, which Omar owns (by verified email)",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Gift cards"),
		chromedp.SendKeys(chromedp.CSS(`#owner`), "omar@example.com"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Create data product")]`)))
	eventually("the new product's page", `document.readyState === 'complete' && document.querySelector('h1').textContent.includes('Gift cards') && document.querySelector('.flash-success').textContent.includes('Gift cards')`)
	if entry := app.lastAudit(t, "product", "checkout/gift-cards"); entry.Actor != "omar@example.com" {
		t.Errorf("the audit log names %q, want omar@example.com", entry.Actor)
	}

	products := app.count(t, "products")
	step("open the edit form of a product in Customer, which Omar does not own",
		chromedp.Navigate(portal+"/products/customer/customer-profiles/edit"),
		chromedp.WaitVisible(chromedp.CSS(`.error-page`)))
	if code := text(`.error-code`); code != "403" {
		t.Fatalf("editing another domain's product shows %q, want 403", code)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const r = await fetch('/products', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded',
			'X-CSRF-Token': JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']},
			body: 'name=Forged&domain=customer&owner=omar%40example.com&status=draft&classification=internal'});
		return r.status; })()`, chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Fatalf("a forged create in Customer answered %d (%v), want 403", status, err)
	}
	if n := app.count(t, "products"); n != products {
		t.Fatalf("refused requests wrote products: %d → %d", products, n)
	}

	step("sign out",
		chromedp.Navigate(portal+"/"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Sign out")]`)))
	eventually("sign-out to continue at the provider", fmt.Sprintf(`location.href.startsWith(%q) && document.readyState === 'complete'`, issuer))
	if n := app.count(t, "sessions"); n != 0 {
		t.Fatalf("%d sessions after sign-out", n)
	}
	step("the portal asks to sign in again",
		chromedp.Navigate(portal+"/domains"),
		chromedp.WaitVisible(chromedp.CSS(`#sso-start`)))
}
