package bitol

// CustomProperty is one entry of a customProperties list, which both
// standards use for whatever they do not define.
type CustomProperty struct {
	Property string
	// Value is a plain value: string, json.Number, bool, nil,
	// map[string]any or []any.
	Value any
}

// CustomProperties reads a customProperties list, skipping malformed items.
func CustomProperties(list []any) []CustomProperty {
	var out []CustomProperty
	for _, it := range list {
		m, ok := it.(*Map)
		if !ok {
			continue
		}
		out = append(out, CustomProperty{Property: m.String("property"), Value: Plain(m.Value("value"))})
	}
	return out
}

// CustomPropertyList writes a customProperties list.
func CustomPropertyList(cps []CustomProperty) []any {
	out := make([]any, 0, len(cps))
	for _, cp := range cps {
		m := NewMap()
		m.Set("property", cp.Property)
		m.Set("value", FromPlain(cp.Value))
		out = append(out, m)
	}
	return out
}

// FromPlain converts a plain value (map[string]any, keys then sorted) into
// a tree value. Go numbers become json.Number.
func FromPlain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := NewMap()
		for _, k := range sortedKeys(t) {
			m.Set(k, FromPlain(t[k]))
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = FromPlain(x)
		}
		return out
	case []string:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = x
		}
		return out
	case int:
		return jsonInt(int64(t))
	case int64:
		return jsonInt(t)
	case float64:
		return jsonFloat(t)
	default:
		return v
	}
}
