package bitol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// YAML writes a tree as block-style YAML with a 2-space indent. Strings are
// quoted only when they would read back as something else: a number, a
// boolean, null or a date (2022-10-03 must stay a string).
func YAML(root *Map) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(root)); err != nil {
		// Every tree value has a YAML form; an error here is a bug.
		panic(fmt.Sprintf("bitol: YAML export: %v", err))
	}
	_ = enc.Close()
	return buf.Bytes()
}

func yamlNode(v any) *yaml.Node {
	switch t := v.(type) {
	case *Map:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if t.Len() == 0 {
			n.Style = yaml.FlowStyle
		}
		for i, k := range t.keys {
			n.Content = append(n.Content, strNode(k), yamlNode(t.vals[i]))
		}
		return n
	case map[string]any:
		m := NewMap()
		for _, k := range sortedKeys(t) {
			m.Set(k, t[k])
		}
		return yamlNode(m)
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if len(t) == 0 {
			n.Style = yaml.FlowStyle
		}
		for _, x := range t {
			n.Content = append(n.Content, yamlNode(x))
		}
		return n
	case string:
		return strNode(t)
	case json.Number:
		tag := "!!int"
		if _, err := strconv.ParseInt(string(t), 10, 64); err != nil {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(t)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(t, 'g', -1, 64)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(t)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return strNode(fmt.Sprint(v))
}

// yaml11 matches what YAML 1.1 readers (PyYAML, older tools) take for a
// boolean or a sexagesimal number, though YAML 1.2 reads them as strings:
// quoting them keeps the export the same document for every reader.
var yaml11 = regexp.MustCompile(`^(?i:y|yes|n|no|on|off)$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

func strNode(s string) *yaml.Node {
	// With the !!str tag the encoder quotes a string whenever its plain form
	// would resolve to another type (numbers, booleans, null, timestamps).
	// Invalid UTF-8 (from a form, never from YAML) has no YAML string form.
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.ToValidUTF8(s, "\uFFFD")}
	if yaml11.MatchString(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// JSON writes a tree as indented JSON in its key order.
func JSON(root *Map) []byte {
	var buf bytes.Buffer
	writeJSON(&buf, root, "")
	buf.WriteByte('\n')
	return buf.Bytes()
}

func writeJSON(buf *bytes.Buffer, v any, indent string) {
	inner := indent + "  "
	switch t := v.(type) {
	case *Map:
		if t.Len() == 0 {
			buf.WriteString("{}")
			return
		}
		buf.WriteString("{\n")
		for i, k := range t.keys {
			buf.WriteString(inner)
			writeString(buf, k)
			buf.WriteString(": ")
			writeJSON(buf, t.vals[i], inner)
			if i < len(t.keys)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent)
		buf.WriteByte('}')
	case map[string]any:
		m := NewMap()
		for _, k := range sortedKeys(t) {
			m.Set(k, t[k])
		}
		writeJSON(buf, m, indent)
	case []any:
		if len(t) == 0 {
			buf.WriteString("[]")
			return
		}
		buf.WriteString("[\n")
		for i, x := range t {
			buf.WriteString(inner)
			writeJSON(buf, x, inner)
			if i < len(t)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent)
		buf.WriteByte(']')
	case string:
		writeString(buf, t)
	case json.Number:
		buf.WriteString(string(t))
	case nil:
		buf.WriteString("null")
	default:
		b, err := json.Marshal(t)
		if err != nil {
			b = []byte("null")
		}
		buf.Write(b)
	}
}

func writeString(buf *bytes.Buffer, s string) {
	// No HTML escaping: "<" in a description should read as "<".
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// Canonical is compact JSON with sorted keys: the same document, however
// its keys are ordered, gives the same bytes, for storage and equality.
func Canonical(root *Map) []byte {
	b, err := json.Marshal(Plain(root))
	if err != nil {
		panic(fmt.Sprintf("bitol: canonical JSON: %v", err))
	}
	return b
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonInt(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }

func jsonFloat(f float64) any {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}
