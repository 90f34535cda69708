package policy

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"
)

// Outcome is what a policy says of one product.
type Outcome string

// Outcomes. Waived is decided by the caller, which knows the waivers.
const (
	Pass          Outcome = "pass"
	Fail          Outcome = "fail"
	Error         Outcome = "error"
	Waived        Outcome = "waived"
	NotApplicable Outcome = "not applicable"
)

// Result is one evaluation: the outcome and, unless it passed, why.
type Result struct {
	Outcome Outcome
	Message string
}

// Vars is one product's variables, built once and shared by every policy
// evaluated on it, with the conditions already decided for it (a Vars
// belongs to one goroutine).
type Vars struct {
	act   interpreter.Activation
	conds map[string]bool
}

// NewVars binds product, domain and now.
func NewVars(in Input, now time.Time) (*Vars, error) {
	act, err := interpreter.NewActivation(map[string]any{"product": in.Product, "domain": in.Domain, "now": now})
	if err != nil {
		return nil, err
	}
	return &Vars{act: act}, nil
}

// Eval judges one product: not applicable when the condition is false,
// pass or fail by the rule, error when any part fails to evaluate (a
// missing key, the cost limit, ctx's deadline). fallback is the message of
// a failure when the spec has none or its message fails.
func (c *Compiled) Eval(ctx context.Context, v *Vars, fallback string) Result {
	if c.condition != nil {
		applies, known := v.conds[c.conditionText]
		if !known {
			var err error
			if applies, err = evalBool(ctx, c.condition, v); err != nil {
				return Result{Outcome: Error, Message: "The condition failed: " + describe(err)}
			}
			if v.conds == nil {
				v.conds = make(map[string]bool, 4)
			}
			v.conds[c.conditionText] = applies
		}
		if !applies {
			return Result{Outcome: NotApplicable}
		}
	}
	ok, err := evalBool(ctx, c.rule, v)
	if err != nil {
		return Result{Outcome: Error, Message: "The rule failed: " + describe(err)}
	}
	if ok {
		return Result{Outcome: Pass}
	}
	return Result{Outcome: Fail, Message: c.failMessage(ctx, v, fallback)}
}

func (c *Compiled) failMessage(ctx context.Context, v *Vars, fallback string) string {
	if c.message == nil {
		return fallback
	}
	out, _, err := c.message.ContextEval(ctx, v.act)
	if err != nil {
		return fallback + " (The message failed: " + describe(err) + ")"
	}
	s, ok := out.Value().(string)
	if !ok || strings.TrimSpace(s) == "" {
		return fallback
	}
	return truncate(s, 500)
}

var errNotBool = errors.New("it did not give true or false")

func evalBool(ctx context.Context, prg cel.Program, v *Vars) (bool, error) {
	out, _, err := prg.ContextEval(ctx, v.act)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, errNotBool
	}
	return bool(b), nil
}

// describe turns an evaluation error into a sentence for the result page.
func describe(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "cost limit exceeded"):
		return "it needed more than the cost limit allows (" + strconv.Itoa(CostLimit) + " steps) and was stopped."
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "operation interrupted"):
		return "it ran past its deadline and was stopped."
	}
	return truncate(msg, 300)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
