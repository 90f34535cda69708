// Package oidctest is a small in-process OpenID Provider for tests. Unlike a
// general-purpose mock it lets a test break the protocol on purpose: a wrong
// nonce, audience, issuer or expiry in the ID token, a refused sign-in, a
// replayed code, a provider that stops answering.
//
// Imports: no meshport package; tests of handlers and cmd use it.
package oidctest
