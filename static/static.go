package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
)

// Files holds the vendored htmx build and the portal's own script and styles.
//
//go:embed htmx.min.js app.js app.css
var Files embed.FS

// Fingerprints maps each file's name to a short hash of its content. Pages
// link to "/static/name?v=hash", which browsers may keep for good: a new
// binary with a changed file links to a new address.
func Fingerprints() (map[string]string, error) {
	entries, err := Files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		b, err := Files.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return out, nil
}
