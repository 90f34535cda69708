// Package static holds the portal's browser assets. They are embedded so the
// single binary serves them itself: no CDN, no files to ship next to it, and
// everything stays same-origin for the Content-Security-Policy.
//
// Imports: the standard library only.
package static
