package odcs

import (
	"github.com/meshport/meshport/models/bitol"
)

// Operators are the comparison keys of a quality rule, in ODCS's order.
var Operators = []string{
	"mustBe", "mustNotBe",
	"mustBeGreaterThan", "mustBeGreaterOrEqualTo",
	"mustBeLessThan", "mustBeLessOrEqualTo",
	"mustBeBetween", "mustNotBeBetween",
}

// QualityRule is one entry of a quality list, on an object or a property.
type QualityRule struct {
	Name string
	// Type is library (the default), sql, text or custom.
	Type string
	// Metric is the library metric (nullValues, missingValues,
	// invalidValues, duplicateValues, rowCount); ODCS v3.0's "rule" is
	// read into it.
	Metric string
	// Arguments of the metric (validValues, pattern, properties...), plain
	// values with float64 numbers.
	Arguments map[string]any
	// Query is the SQL of a sql rule.
	Query string
	// Operator is one of Operators ("" for text and custom rules).
	Operator string
	// Value is the operand of the single-value operators (float64 for a
	// number, else the plain value: mustBe may compare with a string).
	Value any
	// Values are the two bounds of mustBeBetween and mustNotBeBetween.
	Values []float64
	// Unit is rows (the default) or percent.
	Unit        string
	Severity    string
	Dimension   string
	Description string
	// Engine and Implementation of a custom rule (Implementation is a
	// string or a plain map).
	Engine         string
	Implementation any
	// Column is the property the rule is on, "" for an object-level rule.
	Column string
	// Object is the name of the rule's object.
	Object string
	// Index is a stable id of the rule: its path in the document, such as
	// schema[0].properties[1].quality[0].
	Index string
}

func readQuality(list []any, path, object, column string) []QualityRule {
	var out []QualityRule
	for i, v := range list {
		m, ok := v.(*bitol.Map)
		if !ok {
			continue
		}
		q := QualityRule{
			Name:           m.String("name"),
			Type:           m.String("type"),
			Metric:         m.String("metric"),
			Query:          m.String("query"),
			Unit:           m.String("unit"),
			Severity:       m.String("severity"),
			Dimension:      m.String("dimension"),
			Description:    m.String("description"),
			Engine:         m.String("engine"),
			Implementation: floats(m.Value("implementation")),
			Column:         column,
			Object:         object,
			Index:          bitol.Index(path, i),
		}
		if q.Metric == "" {
			q.Metric = m.String("rule")
		}
		if q.Type == "" {
			q.Type = "library"
		}
		if q.Unit == "" {
			q.Unit = "rows"
		}
		if a, ok := floats(m.Value("arguments")).(map[string]any); ok {
			q.Arguments = a
		}
		for _, op := range Operators {
			v, ok := m.Get(op)
			if !ok {
				continue
			}
			q.Operator = op
			if op == "mustBeBetween" || op == "mustNotBeBetween" {
				list, _ := v.([]any)
				for _, x := range list {
					if f, ok := number(x); ok {
						q.Values = append(q.Values, f)
					}
				}
			} else {
				q.Value = floats(v)
			}
			break
		}
		out = append(out, q)
	}
	return out
}
