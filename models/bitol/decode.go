package bitol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxAliasNodes bounds the values that YAML aliases may expand to in one
// document. Contracts rarely use anchors at all; a "billion laughs" document
// of a few hundred bytes would otherwise expand to gigabytes.
const MaxAliasNodes = 100_000

// Doc is a decoded document: its tree and the line of each of its values.
type Doc struct {
	Root  *Map
	lines map[string]int
}

// NewDoc wraps a tree built in code; its values have no lines.
func NewDoc(root *Map) *Doc { return &Doc{Root: root} }

// Line returns the line of path, or of its nearest parent that has one; 0
// when the document has no lines.
func (d *Doc) Line(path string) int {
	if d == nil || d.lines == nil {
		return 0
	}
	for {
		if l, ok := d.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		path = Parent(path)
	}
}

// Decode parses one YAML (or JSON, which is YAML) document whose top level
// is a mapping. limit is the largest size accepted, in bytes (0: none).
// Errors are *Error.
func Decode(data []byte, limit int) (doc *Doc, err error) {
	if limit > 0 && len(data) > limit {
		return nil, SizeError(len(data), limit)
	}
	// The YAML library is old C code ported to Go that fails by panicking;
	// it catches its own, this catches any it might miss on hostile input.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, Errorf(KindSyntax, "", 0, "the document could not be read as YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errorf(KindSyntax, "", 0, "the document is empty")
		}
		return nil, syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(err)
		}
		return nil, Errorf(KindSyntax, "", extra.Line, "only one YAML document is allowed, another one starts here")
	}
	top := &n
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	c := &converter{lines: map[string]int{}, active: map[*yaml.Node]bool{}}
	v, err := c.value(top, "", 0)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*Map)
	if !ok {
		return nil, Errorf(KindInvalid, "", top.Line, "the document must be a mapping of keys to values at the top level, not %s", describe(v))
	}
	return &Doc{Root: m, lines: c.lines}, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxError(err error) *Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Errorf(KindSyntax, "", line, "YAML syntax error: %s", m[2])
	}
	return Errorf(KindSyntax, "", 0, "YAML syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// converter turns yaml.Nodes into tree values, recording lines by path.
type converter struct {
	lines map[string]int
	// aliased counts the values produced by expanding aliases.
	aliased int
	// active holds the anchors being expanded, to refuse an alias to an
	// anchor that contains it (which would never end).
	active map[*yaml.Node]bool
}

// value converts n at path. aliasLine is the line of the alias being
// expanded (0 outside aliases): values copied from an anchor are reported
// where the alias is, which is where their path is.
func (c *converter) value(n *yaml.Node, path string, aliasLine int) (any, error) {
	line := n.Line
	if aliasLine > 0 {
		line = aliasLine
		c.aliased++
		if c.aliased > MaxAliasNodes {
			return nil, Errorf(KindSyntax, path, aliasLine, "YAML aliases expand to more than %d values; anchors and aliases are limited to keep documents small", MaxAliasNodes)
		}
	}
	if _, ok := c.lines[path]; !ok {
		c.lines[path] = line
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, Errorf(KindSyntax, path, line, "unknown YAML anchor %q", n.Value)
		}
		if c.active[n.Alias] {
			return nil, Errorf(KindSyntax, path, line, "YAML anchor %q contains an alias to itself", n.Value)
		}
		c.active[n.Alias] = true
		defer delete(c.active, n.Alias)
		return c.value(n.Alias, path, line)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], path, aliasLine)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			v, err := c.value(item, Index(path, i), aliasLine)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, path, aliasLine)
	case yaml.ScalarNode:
		return scalar(n, path, line)
	}
	return nil, Errorf(KindSyntax, path, line, "unsupported YAML node")
}

func (c *converter) mapping(n *yaml.Node, path string, aliasLine int) (any, error) {
	m := &Map{keys: make([]string, 0, len(n.Content)/2), vals: make([]any, 0, len(n.Content)/2)}
	keyLines := map[string]int{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind == yaml.ScalarNode && kn.ShortTag() == "!!merge" {
			merges = append(merges, vn)
			continue
		}
		key, err := mapKey(kn, path)
		if err != nil {
			return nil, err
		}
		kl := kn.Line
		if aliasLine > 0 {
			kl = aliasLine
		}
		if first, dup := keyLines[key]; dup {
			return nil, Errorf(KindSyntax, Key(path, key), kl, "duplicate key %q (first at line %d)", key, first)
		}
		keyLines[key] = kl
		// A value is reported at its key's line: a block list or mapping
		// starts on the next one.
		c.lines[Key(path, key)] = kl
		v, err := c.value(vn, Key(path, key), aliasLine)
		if err != nil {
			return nil, err
		}
		m.Set(key, v)
	}
	// YAML merge keys (<<: *base): keys written in the mapping win over
	// merged ones, whatever their position.
	for _, mn := range merges {
		if err := c.merge(m, mn, path, aliasLine); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (c *converter) merge(m *Map, mn *yaml.Node, path string, aliasLine int) error {
	line := mn.Line
	if aliasLine > 0 {
		line = aliasLine
	}
	var sources []*yaml.Node
	switch mn.Kind {
	case yaml.SequenceNode:
		sources = mn.Content
	default:
		sources = []*yaml.Node{mn}
	}
	for _, s := range sources {
		// Merged values are copies, like aliases: they count against the
		// same budget and are reported at the merge key's line.
		v, err := c.value(s, path, line)
		if err != nil {
			return err
		}
		src, ok := v.(*Map)
		if !ok {
			return Errorf(KindSyntax, path, line, "a YAML merge key (<<) needs a mapping or a list of mappings")
		}
		for i, k := range src.keys {
			if !m.Has(k) {
				m.Set(k, src.vals[i])
			}
		}
	}
	return nil
}

func mapKey(kn *yaml.Node, path string) (string, error) {
	for kn.Kind == yaml.AliasNode && kn.Alias != nil {
		kn = kn.Alias
	}
	if kn.Kind != yaml.ScalarNode {
		return "", Errorf(KindSyntax, path, kn.Line, "mapping keys must be plain values, not lists or mappings")
	}
	return kn.Value, nil
}

// scalar resolves a scalar by the tag YAML gives it. Timestamps, binary and
// unknown tags keep their text: documents are JSON data, and the schemas
// want dates as strings.
func scalar(n *yaml.Node, path string, line int) (any, error) {
	v := n.Value
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		switch strings.ToLower(v) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, Errorf(KindSyntax, path, line, "%q is not a boolean", v)
		}
		return b, nil
	case "!!int", "!!float":
		if isJSONNumber(v) {
			return json.Number(v), nil
		}
		return number(n, path, line)
	default:
		return v, nil
	}
}

// number handles YAML spellings JSON lacks (0x1F, 1_000, +5, .5, .inf).
func number(n *yaml.Node, path string, line int) (any, error) {
	var x any
	if err := n.Decode(&x); err != nil {
		return nil, Errorf(KindSyntax, path, line, "%q is not a number", n.Value)
	}
	switch t := x.(type) {
	case int:
		return json.Number(strconv.Itoa(t)), nil
	case int64:
		return json.Number(strconv.FormatInt(t, 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(t, 10)), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, Errorf(KindInvalid, path, line, "%s is not a number JSON can hold (no infinity or NaN)", n.Value)
		}
		return json.Number(strconv.FormatFloat(t, 'g', -1, 64)), nil
	case *big.Int:
		return json.Number(t.String()), nil
	case string:
		return t, nil
	}
	return nil, Errorf(KindSyntax, path, line, "%q is not a number", n.Value)
}

// isJSONNumber reports whether s is a number in JSON's grammar, which is
// then kept as written.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}
