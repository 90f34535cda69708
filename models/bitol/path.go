package bitol

import (
	"strconv"
	"strings"
)

// Key appends an object key to a path. Keys that would make the path
// ambiguous are written in brackets and quotes: a["x.y"].
func Key(path, key string) string {
	if key == "" || strings.ContainsAny(key, ".[]\"") {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends an array index to a path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// Parent returns the path without its last segment ("" for the root).
func Parent(path string) string {
	last := 0
	inQuote := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == '.' || c == '['):
			last = i
		}
	}
	return path[:last]
}

// pathOf turns a JSON Schema instance location (JSON pointer tokens) into a
// path, walking the plain value to know which tokens index arrays.
func pathOf(v any, tokens []string) string {
	path := ""
	for _, t := range tokens {
		switch x := v.(type) {
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return Key(path, t)
			}
			path = Index(path, i)
			v = x[i]
		case map[string]any:
			path = Key(path, t)
			v = x[t]
		default:
			return Key(path, t)
		}
	}
	return path
}
