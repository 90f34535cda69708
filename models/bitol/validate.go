package bitol

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is a JSON Schema (draft 2019-09, as the Bitol standards' CI uses)
// compiled on first use, once: compiling the ODCS schema takes milliseconds
// and it never changes at run time.
type Schema struct {
	url  string
	src  []byte
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

// NewSchema returns the schema whose JSON text is src; url names it in
// messages and resolves its internal $refs.
func NewSchema(url string, src []byte) *Schema { return &Schema{url: url, src: src} }

func (s *Schema) compiled() *jsonschema.Schema {
	s.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.src))
		if err != nil {
			s.err = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2019)
		if err := c.AddResource(s.url, doc); err != nil {
			s.err = err
			return
		}
		s.sch, s.err = c.Compile(s.url)
	})
	if s.err != nil {
		// The schemas are embedded and covered by tests: this is a bug.
		panic(fmt.Sprintf("bitol: schema %s does not compile: %v", s.url, s.err))
	}
	return s.sch
}

var printer = message.NewPrinter(language.English)

// Validate returns the problems of d, with lines, sorted; nil when valid.
func (s *Schema) Validate(d *Doc) []Problem {
	plain := Plain(d.Root)
	err := s.compiled().Validate(plain)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{Message: err.Error()}}
	}
	leaves := collect(ve)
	out := make([]Problem, 0, len(leaves))
	for _, l := range leaves {
		path := pathOf(plain, l.loc)
		p := Problem{Path: path, Message: l.msg, Line: d.Line(path)}
		if l.key != "" {
			// The problem is the object's, the line is the key's.
			p.Line = d.Line(Key(path, l.key))
		}
		out = append(out, p)
	}
	return Sorted(out)
}

// leaf is one useful error message of a validation tree.
type leaf struct {
	loc []string // instance location (of the object, for key problems)
	key string   // the key not allowed, for unevaluated/additional properties
	msg string
	// required marks "missing property" messages, merged when alternatives
	// each want a different one.
	required string
}

// depth ranks leaves: a problem on a key is as deep as the key.
func (l leaf) depth() int {
	if l.key != "" {
		return len(l.loc) + 1
	}
	return len(l.loc)
}

// collect flattens the causes tree to its leaves. Under oneOf/anyOf only
// the alternatives that got deepest into the document are kept: the others
// failed at the top for being the wrong shape, which says little (the team
// object of ODCS 3.1 is not "an array" either).
func collect(e *jsonschema.ValidationError) []leaf {
	if len(e.Causes) == 0 {
		return leafOf(e)
	}
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		alts := make([][]leaf, len(e.Causes))
		best := -1
		for i, c := range e.Causes {
			alts[i] = collect(c)
			if d := maxDepth(alts[i]); d > best {
				best = d
			}
		}
		var out []leaf
		for _, a := range alts {
			if maxDepth(a) == best {
				out = append(out, a...)
			}
		}
		return mergeRequired(out)
	default:
		echoes := hasEchoes(e)
		var out []leaf
		for _, c := range e.Causes {
			if _, ok := c.ErrorKind.(*kind.FalseSchema); ok && echoes {
				continue
			}
			out = append(out, collect(c)...)
		}
		return out
	}
}

// hasEchoes reports whether the "property is not allowed" causes of e are
// echoes: when a subschema applied to the same object fails ($ref, allOf,
// if/then), JSON Schema forgets what it evaluated, and unevaluatedProperties
// then refuses every key of the object, the valid ones too. Only the real
// problem is reported; a truly unknown key shows once it is fixed.
func hasEchoes(e *jsonschema.ValidationError) bool {
	for _, c := range e.Causes {
		// A failed subschema reports under its own location; the object's
		// own keywords (required...) under the object's schema.
		if _, ok := c.ErrorKind.(*kind.FalseSchema); !ok && len(c.InstanceLocation) == len(e.InstanceLocation) && c.SchemaURL != e.SchemaURL {
			return true
		}
	}
	return false
}

func maxDepth(ls []leaf) int {
	d := -1
	for _, l := range ls {
		d = max(d, l.depth())
	}
	return d
}

func leafOf(e *jsonschema.ValidationError) []leaf {
	loc := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.FalseSchema:
		// unevaluatedProperties: false reports the value of the key.
		if len(loc) > 0 {
			return []leaf{{loc: loc[:len(loc)-1], key: loc[len(loc)-1], msg: fmt.Sprintf("property '%s' is not allowed", loc[len(loc)-1])}}
		}
	case *kind.AdditionalProperties:
		out := make([]leaf, len(k.Properties))
		for i, p := range k.Properties {
			out[i] = leaf{loc: loc, key: p, msg: fmt.Sprintf("property '%s' is not allowed", p)}
		}
		return out
	case *kind.Required:
		if len(k.Missing) == 1 {
			return []leaf{{loc: loc, msg: k.LocalizedString(printer), required: k.Missing[0]}}
		}
	}
	return []leaf{{loc: loc, msg: e.ErrorKind.LocalizedString(printer)}}
}

// mergeRequired turns "missing property 'mustBe'", "missing property
// 'mustNotBe'"... from alternatives on one object into one message.
func mergeRequired(ls []leaf) []leaf {
	if len(ls) < 2 {
		return ls
	}
	var names []string
	for _, l := range ls {
		if l.required == "" || strings.Join(l.loc, "/") != strings.Join(ls[0].loc, "/") {
			return ls
		}
		names = append(names, "'"+l.required+"'")
	}
	return []leaf{{loc: ls[0].loc, msg: "missing property: one of " + strings.Join(names, ", ") + " is needed"}}
}
