package policy

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
)

// Limits on what one policy may cost. CostLimit bounds one evaluation (a
// cost unit is roughly one operation: a field read, a comparison, one step
// of a comprehension); MaxSourceLength bounds each expression's text.
const (
	CostLimit       = 100_000
	MaxSourceLength = 4000
)

// Spec is the CEL text of a policy: when it applies (Condition, optional),
// what must hold (Rule), and what to say when it does not (Message, an
// optional string expression).
type Spec struct {
	Condition string
	Rule      string
	Message   string
}

// Problems maps a part of a spec (condition, rule, message) to why it does
// not compile, with the line and column.
type Problems map[string]string

// Compiled is a spec ready to evaluate; it is safe for concurrent use.
type Compiled struct {
	condition, rule, message cel.Program
	// conditionText keys the condition's result in Vars: many policies
	// share one condition (product.status == 'active').
	conditionText string
}

var (
	envOnce sync.Once
	env     *cel.Env
	envErr  error
)

// Env is the one CEL environment every policy compiles in: the object
// model's variables, the string, list and set extensions, and numeric
// comparisons across int and double (so reads_per_day < 1 type-checks).
func Env() (*cel.Env, error) {
	envOnce.Do(func() {
		env, envErr = cel.NewEnv(
			ext.NativeTypes(ext.ParseStructTags(true), reflect.TypeFor[Product](), reflect.TypeFor[Domain]()),
			cel.Variable("product", cel.ObjectType("policy.Product")),
			cel.Variable("domain", cel.ObjectType("policy.Domain")),
			cel.Variable("now", cel.TimestampType),
			ext.Strings(), ext.Lists(), ext.Sets(),
			cel.CrossTypeNumericComparisons(true),
			cel.ParserExpressionSizeLimit(MaxSourceLength),
		)
	})
	return env, envErr
}

// compiled caches programs by their text: a policy is compiled once, not
// on every evaluation. Dry runs of arbitrary text could grow it without
// end, so it starts over when it holds too many.
var compiled = struct {
	sync.Mutex
	m map[Spec]*Compiled
}{m: map[Spec]*Compiled{}}

const maxCached = 2000

// Compile type-checks s and returns its programs, or the problems of each
// part. Results are cached by text.
func Compile(s Spec) (*Compiled, Problems) {
	compiled.Lock()
	c, ok := compiled.m[s]
	compiled.Unlock()
	if ok {
		return c, nil
	}
	e, err := Env()
	if err != nil {
		return nil, Problems{"rule": "The policy engine could not start: " + err.Error()}
	}
	c = &Compiled{}
	problems := Problems{}
	if strings.TrimSpace(s.Rule) == "" {
		problems["rule"] = "Write the rule: a CEL expression that is true when the product complies."
	} else {
		c.rule = program(e, "rule", s.Rule, cel.BoolType, problems)
	}
	if strings.TrimSpace(s.Condition) != "" {
		c.condition = program(e, "condition", s.Condition, cel.BoolType, problems)
		c.conditionText = strings.TrimSpace(s.Condition)
	}
	if strings.TrimSpace(s.Message) != "" {
		c.message = program(e, "message", s.Message, cel.StringType, problems)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	compiled.Lock()
	if len(compiled.m) >= maxCached {
		compiled.m = map[Spec]*Compiled{}
	}
	compiled.m[s] = c
	compiled.Unlock()
	return c, nil
}

func program(e *cel.Env, part, src string, want *cel.Type, problems Problems) cel.Program {
	ast, iss := e.Compile(src)
	if iss != nil && iss.Err() != nil {
		problems[part] = describeIssues(iss)
		return nil
	}
	if !ast.OutputType().IsExactType(want) {
		line, col := start(src)
		problems[part] = fmt.Sprintf("line %d, column %d: The %s must give %s, but this gives %s.", line, col, part, typeName(want), typeName(ast.OutputType()))
		return nil
	}
	prg, err := e.Program(ast, cel.CostLimit(CostLimit), cel.InterruptCheckFrequency(100))
	if err != nil {
		problems[part] = err.Error()
		return nil
	}
	return prg
}

// describeIssues lists each error with a 1-based line and column.
func describeIssues(iss *cel.Issues) string {
	var msgs []string
	for _, e := range iss.Errors() {
		msg := e.Message
		if loc := e.Location; loc != nil && loc.Line() > 0 {
			msg = fmt.Sprintf("line %d, column %d: %s", loc.Line(), loc.Column()+1, e.Message)
		}
		msgs = append(msgs, msg)
		if len(msgs) == 3 {
			break
		}
	}
	return strings.Join(msgs, "; ")
}

// start is the 1-based line and column where the expression in src
// begins, for problems of the whole expression (such as its type).
func start(src string) (line, col int) {
	line, col = 1, 1
	for _, r := range src {
		switch r {
		case '\n':
			line, col = line+1, 1
		case ' ', '\t', '\r':
			col++
		default:
			return line, col
		}
	}
	return line, col
}

// typeName names a CEL type with its article, for problems.
func typeName(t *cel.Type) string {
	switch {
	case t.IsExactType(cel.BoolType):
		return "true or false"
	case t.IsExactType(cel.StringType):
		return "a string"
	}
	name := t.String()
	if strings.IndexAny(name, "aeiou") == 0 {
		return "an " + name
	}
	return "a " + name
}
