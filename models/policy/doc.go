// Package policy compiles and evaluates governance policies written in CEL
// against a declared object model of a data product and its domain.
//
// The object model is plain Go structs exposed to CEL through cel-go's
// native types, so a policy is type-checked when it is saved and a typo in
// a field name is refused there, not found on the first evaluation.
//
// Imports: nothing of meshport (cel-go only); models imports it.
package policy
