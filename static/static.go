// Package static holds the portal's browser assets. They are embedded so the
// single binary serves them itself: no CDN, no files to ship next to it, and
// everything stays same-origin for the Content-Security-Policy.
package static

import "embed"

// Files holds the vendored htmx build and the portal's own script and styles.
//
//go:embed htmx.min.js app.js app.css
var Files embed.FS
