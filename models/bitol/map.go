package bitol

// indexAbove is the size from which a Map keeps a key index: most objects
// in a contract have a handful of keys, where a linear scan is cheaper than
// a Go map, but a hostile document may have a single object with 100,000.
const indexAbove = 16

// Map is a JSON object that keeps the order of its keys, so that an exported
// document reads like the one the author wrote.
type Map struct {
	keys []string
	vals []any
	idx  map[string]int
}

// NewMap returns an empty Map.
func NewMap() *Map { return &Map{} }

// Len is the number of keys.
func (m *Map) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

// Keys returns the keys in order; the slice is a copy.
func (m *Map) Keys() []string {
	if m == nil {
		return nil
	}
	return append([]string(nil), m.keys...)
}

func (m *Map) find(k string) int {
	if m == nil {
		return -1
	}
	if m.idx != nil {
		if i, ok := m.idx[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range m.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// Has reports whether k is a key.
func (m *Map) Has(k string) bool { return m.find(k) >= 0 }

// Get returns the value of k.
func (m *Map) Get(k string) (any, bool) {
	i := m.find(k)
	if i < 0 {
		return nil, false
	}
	return m.vals[i], true
}

// Value returns the value of k, nil when absent.
func (m *Map) Value(k string) any {
	v, _ := m.Get(k)
	return v
}

// String returns the value of k when it is a string.
func (m *Map) String(k string) string {
	s, _ := m.Value(k).(string)
	return s
}

// Map returns the value of k when it is an object.
func (m *Map) Map(k string) *Map {
	v, _ := m.Value(k).(*Map)
	return v
}

// List returns the value of k when it is an array.
func (m *Map) List(k string) []any {
	v, _ := m.Value(k).([]any)
	return v
}

// Bool returns the value of k when it is a boolean, and whether it was one.
func (m *Map) Bool(k string) (bool, bool) {
	v, ok := m.Value(k).(bool)
	return v, ok
}

// Set gives k the value v, in place when k exists, else at the end.
func (m *Map) Set(k string, v any) {
	if i := m.find(k); i >= 0 {
		m.vals[i] = v
		return
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	if m.idx != nil {
		m.idx[k] = len(m.keys) - 1
	} else if len(m.keys) > indexAbove {
		m.reindex()
	}
}

// SetString sets k to s, or deletes k when s is empty: forms send empty
// fields for "none", and the standards have no use for empty strings.
func (m *Map) SetString(k, s string) {
	if s == "" {
		m.Delete(k)
		return
	}
	m.Set(k, s)
}

// Delete removes k.
func (m *Map) Delete(k string) {
	i := m.find(k)
	if i < 0 {
		return
	}
	m.keys = append(m.keys[:i], m.keys[i+1:]...)
	m.vals = append(m.vals[:i], m.vals[i+1:]...)
	if m.idx != nil {
		m.reindex()
	}
}

func (m *Map) reindex() {
	m.idx = make(map[string]int, len(m.keys))
	for i, k := range m.keys {
		m.idx[k] = i
	}
}

// Reordered returns a shallow copy whose keys listed in order come first (in
// that order), followed by the others in their current order.
func (m *Map) Reordered(order []string) *Map {
	out := &Map{keys: make([]string, 0, len(m.keys)), vals: make([]any, 0, len(m.vals))}
	for _, k := range order {
		if v, ok := m.Get(k); ok {
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, v)
		}
	}
	for i, k := range m.keys {
		if out.find(k) < 0 {
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, m.vals[i])
		}
	}
	if len(out.keys) > indexAbove {
		out.reindex()
	}
	return out
}

// Clone returns a deep copy, so that an edit never changes a parsed
// document that others may hold.
func (m *Map) Clone() *Map {
	if m == nil {
		return nil
	}
	c, _ := Clone(m).(*Map)
	return c
}

// Clone deep-copies a tree value.
func Clone(v any) any {
	switch t := v.(type) {
	case *Map:
		if t == nil {
			return (*Map)(nil)
		}
		out := &Map{keys: append([]string(nil), t.keys...), vals: make([]any, len(t.vals))}
		for i, x := range t.vals {
			out.vals[i] = Clone(x)
		}
		if t.idx != nil {
			out.reindex()
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = Clone(x)
		}
		return out
	default:
		return v
	}
}

// Plain converts a tree value into the plain values JSON Schema validation
// and encoding/json expect: map[string]any instead of *Map.
func Plain(v any) any {
	switch t := v.(type) {
	case *Map:
		if t == nil {
			return nil
		}
		out := make(map[string]any, len(t.keys))
		for i, k := range t.keys {
			out[k] = Plain(t.vals[i])
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = Plain(x)
		}
		return out
	default:
		return v
	}
}
