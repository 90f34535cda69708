package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Provider is an OpenID Provider serving one confidential client.
type Provider struct {
	URL          string // also the issuer, unless Issuer is set before first use
	ClientID     string
	ClientSecret string

	server *httptest.Server
	signer jose.Signer
	jwks   jose.JSONWebKeySet

	mu sync.Mutex
	// Issuer announced in discovery and put into tokens.
	issuer string
	user   map[string]any
	// userInfoOnly claims are served by the UserInfo endpoint but left out
	// of the ID token.
	userInfoOnly map[string]any
	mutate       func(claims map[string]any)
	deny         bool
	grants       map[string]*grant
	access       map[string]map[string]any
	// Challenges records the code_challenge_method of every authorization.
	challenges []string
	logouts    []url.Values
}

type grant struct {
	claims    map[string]any
	nonce     string
	challenge string
	redirect  string
	used      bool
}

// New starts a provider; it stops when the test ends.
func New(t interface{ Cleanup(func()) }) *Provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	jwk := jose.JSONWebKey{Key: key, KeyID: "test-key", Algorithm: string(jose.RS256), Use: "sig"}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jwk},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		panic(err)
	}
	p := &Provider{
		ClientID: "meshport", ClientSecret: "s3cret-client",
		signer: signer, jwks: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk.Public()}},
		grants: map[string]*grant{}, access: map[string]map[string]any{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	mux.HandleFunc("GET /logout", p.logout)
	p.server = httptest.NewServer(mux)
	p.URL = p.server.URL
	p.issuer = p.server.URL
	t.Cleanup(p.server.Close)
	return p
}

// SetUser sets the claims of whoever signs in next (sub, email, groups...).
func (p *Provider) SetUser(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = maps.Clone(claims)
}

// SetUserInfoOnly sets claims served only by the UserInfo endpoint.
func (p *Provider) SetUserInfoOnly(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.userInfoOnly = maps.Clone(claims)
}

// Mutate changes the ID token's claims just before signing (nil: none).
func (p *Provider) Mutate(fn func(claims map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mutate = fn
}

// Deny makes the authorization endpoint answer access_denied, as when the
// person cancels at the provider.
func (p *Provider) Deny(deny bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deny = deny
}

// AnnounceIssuer makes discovery (and tokens) name another issuer.
func (p *Provider) AnnounceIssuer(issuer string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.issuer = issuer
}

// Close stops answering, like a provider that went down.
func (p *Provider) Close() { p.server.Close() }

// Challenges returns the code_challenge_method of each authorization so far.
func (p *Provider) Challenges() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.challenges...)
}

// Logouts returns the query of each request to the end_session_endpoint.
func (p *Provider) Logouts() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.logouts...)
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	issuer := p.issuer
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"jwks_uri":                              p.URL + "/keys",
		"end_session_endpoint":                  p.URL + "/logout",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (p *Provider) keys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, p.jwks)
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	if q.Get("client_id") != p.ClientID || redirect == "" || q.Get("response_type") != "code" {
		http.Error(w, "unknown client, missing redirect_uri or response_type", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(redirect)
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	answer := url.Values{"state": {q.Get("state")}}
	p.mu.Lock()
	p.challenges = append(p.challenges, q.Get("code_challenge_method"))
	if p.deny {
		answer.Set("error", "access_denied")
		answer.Set("error_description", "The user cancelled")
	} else {
		code := random()
		p.grants[code] = &grant{claims: maps.Clone(p.user), nonce: q.Get("nonce"),
			challenge: q.Get("code_challenge"), redirect: redirect}
		answer.Set("code", code)
	}
	p.mu.Unlock()
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.grants[r.PostFormValue("code")]
	switch {
	case g == nil || g.used:
		if g != nil {
			delete(p.grants, r.PostFormValue("code")) // a replayed code is burned
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "code unknown or already used"})
		return
	case g.redirect != r.PostFormValue("redirect_uri"):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "redirect_uri differs"})
		return
	case s256(r.PostFormValue("code_verifier")) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
		return
	}
	g.used = true
	now := time.Now()
	claims := maps.Clone(g.claims)
	claims["iss"], claims["aud"], claims["iat"], claims["exp"] = p.issuer, p.ClientID, now.Unix(), now.Add(5*time.Minute).Unix()
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if p.mutate != nil {
		p.mutate(claims)
	}
	payload, _ := json.Marshal(claims)
	signed, err := p.signer.Sign(payload)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	idToken, _ := signed.CompactSerialize()
	access := random()
	info := maps.Clone(g.claims)
	maps.Copy(info, p.userInfoOnly)
	p.access[access] = info
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": 300, "id_token": idToken,
	})
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	info, ok := p.access[token]
	p.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.logouts = append(p.logouts, r.URL.Query())
	p.mu.Unlock()
	fmt.Fprintln(w, "signed out at the provider")
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
