package models

// Product lifecycle statuses.
const (
	StatusDraft      = "draft"
	StatusActive     = "active"
	StatusDeprecated = "deprecated"
	StatusRetired    = "retired"
)

// Statuses lists product statuses in lifecycle order.
func Statuses() []string {
	return []string{StatusDraft, StatusActive, StatusDeprecated, StatusRetired}
}

// AllowedTransitions returns the statuses a product in status from may move
// to. Active products are deprecated before they retire so consumers get notice.
func AllowedTransitions(from string) []string {
	switch from {
	case StatusDraft:
		return []string{StatusActive, StatusRetired}
	case StatusActive:
		return []string{StatusDeprecated}
	case StatusDeprecated:
		return []string{StatusActive, StatusRetired}
	default:
		return nil
	}
}

// CanTransition reports whether a product may move from one status to another
// (staying in the same status is always allowed).
func CanTransition(from, to string) bool {
	if from == to {
		return true
	}
	for _, s := range AllowedTransitions(from) {
		if s == to {
			return true
		}
	}
	return false
}

// Data classifications, least to most sensitive.
const (
	ClassPublic       = "public"
	ClassInternal     = "internal"
	ClassConfidential = "confidential"
	ClassRestricted   = "restricted"
)

// Classifications lists classifications from least to most sensitive.
func Classifications() []string {
	return []string{ClassPublic, ClassInternal, ClassConfidential, ClassRestricted}
}

// PortTypes lists the kinds of output port a product can expose.
func PortTypes() []string { return []string{"table", "view", "file", "api", "stream"} }

// Domain statuses.
const (
	DomainActive  = "active"
	DomainRetired = "retired"
)

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}
