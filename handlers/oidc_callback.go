package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"golang.org/x/oauth2"
)

// callback is where the provider sends the browser back. Every way it can
// go wrong ends on a readable page with a "try again" link.
func (o *OIDCSignIn) callback(c echo.Context, s *Server) error {
	attempt, err := o.takeAttempt(c)
	if err != nil {
		return o.signInProblem(c, s, err, "")
	}
	user, err := o.identify(c.Request().Context(), c.QueryParam("code"), attempt)
	if err != nil {
		return o.signInProblem(c, s, err, attempt.Next)
	}
	stored, err := s.store.UpsertUser(c.Request().Context(), *user)
	if err != nil {
		return err
	}
	return s.StartSession(c, stored, attempt.Next)
}

// takeAttempt checks the callback against the sealed attempt the browser
// brought back, and forgets the attempt so it cannot be used twice.
func (o *OIDCSignIn) takeAttempt(c echo.Context) (*loginAttempt, error) {
	state := c.QueryParam("state")
	// A refusal changes nothing, so it is shown whatever the state says.
	if code := c.QueryParam("error"); code != "" {
		if state != "" {
			c.SetCookie(o.loginCookie(state, "", -1))
		}
		heading, message := "The identity provider refused the sign-in", "It answered: "+truncate(code, 100)
		if d := c.QueryParam("error_description"); d != "" {
			message += " (" + truncate(d, 200) + ")"
		}
		if code == "access_denied" {
			heading, message = "Sign-in was cancelled", "You (or the identity provider) cancelled the sign-in; nothing was changed."
		}
		return nil, &errSignIn{status: http.StatusUnauthorized, heading: heading, message: message}
	}
	if state == "" {
		return nil, &errSignIn{status: http.StatusBadRequest, heading: "The sign-in answer is incomplete",
			message: "The identity provider sent you back without the state that ties the answer to this browser, so it was not accepted."}
	}
	cookie, err := c.Cookie(loginCookieName(state))
	if err != nil || cookie.Value == "" {
		return nil, &errSignIn{status: http.StatusBadRequest, heading: "This sign-in link has expired or was already used",
			message: "Sign-in links work once, in the browser that started them, for 10 minutes."}
	}
	c.SetCookie(o.loginCookie(state, "", -1))
	var attempt loginAttempt
	if err := o.cookies.Decode(loginCookieName(state), cookie.Value, &attempt); err != nil {
		return nil, &errSignIn{status: http.StatusBadRequest, heading: "The sign-in answer was not accepted",
			message: "It did not match the sign-in this browser started (it may have been altered).", cause: err}
	}
	if o.cfg.Now().Sub(time.Unix(attempt.Started, 0)) > loginAttemptTTL {
		return nil, &errSignIn{status: http.StatusBadRequest, heading: "This sign-in link has expired",
			message: "Sign-in links work for 10 minutes."}
	}
	if subtle.ConstantTimeCompare([]byte(attempt.State), []byte(state)) != 1 {
		return nil, &errSignIn{status: http.StatusBadRequest, heading: "The sign-in answer was not accepted",
			message: "Its state does not match the sign-in this browser started (it may have been altered)."}
	}
	return &attempt, nil
}

// identify redeems the code (with the PKCE verifier), verifies the ID token
// (signature, issuer, audience, expiry) and its nonce, and reads who it is.
func (o *OIDCSignIn) identify(ctx context.Context, code string, attempt *loginAttempt) (*models.User, error) {
	if code == "" {
		return nil, &errSignIn{status: http.StatusBadRequest, heading: "The sign-in answer is incomplete",
			message: "The identity provider sent you back without an authorization code."}
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.client), 15*time.Second)
	defer cancel()
	token, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(attempt.Verifier))
	if err != nil {
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) && refused.ErrorCode != "" {
			return nil, &errSignIn{status: http.StatusUnauthorized, heading: "This sign-in code was not accepted",
				message: "The identity provider refused it (" + refused.ErrorCode + "); codes work once and for a short time.", cause: err}
		}
		return nil, &errSignIn{status: http.StatusBadGateway, heading: "The identity provider is not answering",
			message: "meshport could not reach the identity provider to finish signing you in.", cause: err}
	}
	raw, _ := token.Extra("id_token").(string)
	if raw == "" {
		return nil, &errSignIn{status: http.StatusBadGateway, heading: "The identity provider sent no ID token",
			message: "Check that the client is configured for OpenID Connect (scope openid)."}
	}
	idToken, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		message := "The identity token did not pass verification (signature, issuer, audience or expiry)."
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			message = "The identity token had already expired; check that this server's clock is right."
		}
		return nil, &errSignIn{status: http.StatusUnauthorized, heading: "The sign-in was not accepted", message: message, cause: err}
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(attempt.Nonce)) != 1 {
		return nil, &errSignIn{status: http.StatusUnauthorized, heading: "The sign-in was not accepted",
			message: "The identity token was not issued for this sign-in (nonce mismatch)."}
	}
	claims := map[string]any{}
	if err := idToken.Claims(&claims); err != nil {
		return nil, &errSignIn{status: http.StatusBadGateway, heading: "The sign-in was not accepted",
			message: "The identity token's claims could not be read.", cause: err}
	}
	if o.needsUserInfo(claims) {
		if err := o.addUserInfo(ctx, token, idToken.Subject, claims); err != nil {
			return nil, err
		}
	}
	user := o.userFromClaims(idToken.Issuer, idToken.Subject, claims)
	return &user, nil
}

// needsUserInfo: many providers put only the subject into the ID token and
// the profile, email and groups into the UserInfo answer.
func (o *OIDCSignIn) needsUserInfo(claims map[string]any) bool {
	_, hasEmail := claims["email"]
	_, hasGroups := claimAt(claims, o.cfg.GroupsClaim)
	return o.provider.UserInfoEndpoint() != "" && (!hasEmail || !hasGroups)
}

// addUserInfo fills claims the ID token lacked from the UserInfo endpoint;
// the ID token's own claims win.
func (o *OIDCSignIn) addUserInfo(ctx context.Context, token *oauth2.Token, subject string, claims map[string]any) error {
	info, err := o.provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
	if err != nil {
		return &errSignIn{status: http.StatusBadGateway, heading: "The identity provider is not answering",
			message: "meshport could not read your profile from the identity provider.", cause: err}
	}
	if info.Subject != subject {
		return &errSignIn{status: http.StatusUnauthorized, heading: "The sign-in was not accepted",
			message: "The profile the identity provider sent belongs to someone else."}
	}
	extra := map[string]any{}
	if err := info.Claims(&extra); err != nil {
		return &errSignIn{status: http.StatusBadGateway, heading: "The sign-in was not accepted",
			message: "The profile from the identity provider could not be read.", cause: err}
	}
	for k, v := range extra {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
