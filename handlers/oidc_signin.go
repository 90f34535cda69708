package handlers

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/pages"
	"golang.org/x/oauth2"
)

// OIDCConfig is how meshport talks to the company's OpenID Provider.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string // empty for a public client (PKCE only)
	RedirectURL  string // where the provider sends the browser back; its path is the callback route
	Scopes       []string
	// GroupsClaim names the claim carrying the user's groups; a dotted
	// path ("realm_access.roles") reaches into nested objects.
	GroupsClaim string
	AdminGroups []string
	AdminEmails []string
	// PostLogoutRedirectURL is sent to the provider's end_session_endpoint
	// when set; it must be registered with the provider.
	PostLogoutRedirectURL string
	// SecretKey (MESHPORT_SECRET_KEY) protects the short-lived sign-in cookie.
	SecretKey string
	// HTTPClient talks to the provider; nil means one with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock for sign-in expiry; nil means time.Now.
	Now func() time.Time
}

// loginAttemptTTL bounds how long a person may stay on the provider's
// login page before the callback is refused as expired.
const loginAttemptTTL = 10 * time.Minute

// OIDCSignIn signs people in with the Authorization Code flow, PKCE (S256),
// state and nonce, verifying the ID token with go-oidc.
type OIDCSignIn struct {
	cfg          OIDCConfig
	client       *http.Client
	provider     *oidc.Provider
	verifier     *oidc.IDTokenVerifier
	oauth        oauth2.Config
	endSession   string
	callbackPath string
	cookies      *securecookie.SecureCookie
}

// loginAttempt is what the browser carries, sealed, between the redirect to
// the provider and the callback.
type loginAttempt struct {
	State    string
	Nonce    string
	Verifier string
	Next     string
	Started  int64 // unix seconds
}

// NewOIDCSignIn discovers the provider once; a wrong or unreachable issuer
// stops the start with a message that says which.
func NewOIDCSignIn(ctx context.Context, cfg OIDCConfig) (*OIDCSignIn, error) {
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, client), 15*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		if strings.Contains(err.Error(), "did not match the issuer") {
			return nil, fmt.Errorf("OIDC issuer %q: the provider's discovery document names a different issuer; set MESHPORT_OIDC_ISSUER to exactly the issuer the provider announces (%w)", cfg.Issuer, err)
		}
		return nil, fmt.Errorf("OIDC issuer %q: discovery at %s/.well-known/openid-configuration failed; check MESHPORT_OIDC_ISSUER and that the provider is reachable (%w)",
			cfg.Issuer, strings.TrimSuffix(cfg.Issuer, "/"), err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("OIDC issuer %q: read discovery document: %w", cfg.Issuer, err)
	}
	redirect, err := url.Parse(cfg.RedirectURL)
	if err != nil || redirect.Path == "" {
		return nil, fmt.Errorf("OIDC redirect URL %q has no path", cfg.RedirectURL)
	}
	hashKey, err := hkdf.Key(sha256.New, []byte(cfg.SecretKey), nil, "meshport oidc login cookie mac", 32)
	if err != nil {
		return nil, err
	}
	blockKey, err := hkdf.Key(sha256.New, []byte(cfg.SecretKey), nil, "meshport oidc login cookie aes", 32)
	if err != nil {
		return nil, err
	}
	// Expiry is checked against attempt.Started with our own clock.
	cookies := securecookie.New(hashKey, blockKey).MaxAge(0)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	return &OIDCSignIn{
		cfg: cfg, client: client, provider: provider,
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: cfg.Scopes,
		},
		endSession: meta.EndSession, callbackPath: redirect.Path, cookies: cookies,
	}, nil
}

// Dev is false: this is the real thing.
func (o *OIDCSignIn) Dev() bool { return false }

// Mount adds the sign-in page, the start of the flow and the callback.
func (o *OIDCSignIn) Mount(e *echo.Echo, s *Server) {
	e.GET("/login", func(c echo.Context) error { return o.loginPage(c, s) })
	e.GET("/login/start", func(c echo.Context) error { return o.start(c, s) })
	e.GET(o.callbackPath, func(c echo.Context) error { return o.callback(c, s) })
}

// SignOutURL continues sign-out at the provider when it offers that.
func (o *OIDCSignIn) SignOutURL() string {
	if o.endSession == "" {
		return "/login?signed_out=1"
	}
	q := url.Values{"client_id": {o.cfg.ClientID}}
	if o.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", o.cfg.PostLogoutRedirectURL)
	}
	sep := "?"
	if strings.Contains(o.endSession, "?") {
		sep = "&"
	}
	return o.endSession + sep + q.Encode()
}

func (o *OIDCSignIn) loginPage(c echo.Context, s *Server) error {
	if principal(c).SignedIn() {
		return c.Redirect(http.StatusSeeOther, SafeNext(c.QueryParam("next")))
	}
	return s.render(c, http.StatusOK, pages.SSOLogin(pages.SSOLoginData{
		Page: s.page(c, "Sign in", ""), Provider: providerName(o.cfg.Issuer),
		StartURL:  "/login/start?next=" + url.QueryEscape(SafeNext(c.QueryParam("next"))),
		SignedOut: c.QueryParam("signed_out") != "",
	}))
}

// start sends the browser to the provider with a fresh state, nonce and
// PKCE verifier, sealed into a cookie named after the state so that two tabs
// signing in at once do not undo each other.
func (o *OIDCSignIn) start(c echo.Context, s *Server) error {
	if err := o.reachable(c.Request().Context()); err != nil {
		return o.signInProblem(c, s, err, c.QueryParam("next"))
	}
	attempt := loginAttempt{
		State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(),
		Next: SafeNext(c.QueryParam("next")), Started: o.cfg.Now().Unix(),
	}
	sealed, err := o.cookies.Encode(loginCookieName(attempt.State), attempt)
	if err != nil {
		return err
	}
	c.SetCookie(o.loginCookie(attempt.State, sealed, int(loginAttemptTTL/time.Second)))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusSeeOther, o.oauth.AuthCodeURL(attempt.State,
		oidc.Nonce(attempt.Nonce), oauth2.S256ChallengeOption(attempt.Verifier)))
}

// reachable asks the provider for its discovery document before sending the
// person there, so that a provider that is down ends on our page with a
// "try again" instead of the browser's connection error. meshport must reach
// the provider anyway to redeem the code.
func (o *OIDCSignIn) reachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(o.cfg.Issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return err
	}
	res, err := o.client.Do(req)
	if err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return nil
		}
		err = fmt.Errorf("discovery answered %s", res.Status)
	}
	return &errSignIn{status: http.StatusServiceUnavailable, heading: "The identity provider is not answering",
		message: "meshport cannot reach " + providerName(o.cfg.Issuer) + " to sign you in. Try again in a moment.", cause: err}
}

// loginCookie is scoped to the callback path and SameSite=Lax, so the
// browser sends it on the provider's top-level redirect back and nowhere else.
func (o *OIDCSignIn) loginCookie(state, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: loginCookieName(state), Value: value, Path: o.callbackPath, MaxAge: maxAge,
		HttpOnly: true, Secure: strings.HasPrefix(o.cfg.RedirectURL, "https://"), SameSite: http.SameSiteLaxMode,
	}
}

// loginCookieName uses a prefix of the state: enough to tell attempts apart,
// while the full state is checked inside the sealed value.
func loginCookieName(state string) string {
	if len(state) > 16 {
		state = state[:16]
	}
	return "meshport_login_" + state
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// providerName is what the sign-in button calls the provider: its host.
func providerName(issuer string) string {
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		return u.Host
	}
	return "your identity provider"
}

// errSignIn is a sign-in that cannot go on; its message is for the person.
type errSignIn struct {
	status  int
	heading string
	message string
	cause   error // logged, never shown
}

func (e *errSignIn) Error() string {
	if e.cause != nil {
		return e.message + ": " + e.cause.Error()
	}
	return e.message
}

func (e *errSignIn) Unwrap() error { return e.cause }

// signInProblem renders a failed sign-in as a page with a way to try again.
func (o *OIDCSignIn) signInProblem(c echo.Context, s *Server, err error, next string) error {
	var problem *errSignIn
	if !errors.As(err, &problem) {
		return err
	}
	s.log.Warn("sign-in failed", "reason", problem.heading, "error", problem.Error())
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, problem.status, pages.SignInProblem(pages.SignInProblemData{
		Page: s.page(c, "Sign-in failed", ""), Heading: problem.heading, Message: problem.message,
		RetryURL: "/login/start?next=" + url.QueryEscape(SafeNext(next)),
	}))
}
