package models

import (
	"errors"
	"fmt"
)

// Error codes. Every failure the portal reports to a user carries one of
// these; handlers map them to HTTP statuses and pages in a single place.
const (
	EBADREQUEST   = "bad_request"  // malformed request (unparseable JSON, wrong types)
	ECONFLICT     = "conflict"     // would break a uniqueness or state rule
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed
	EINTERNAL     = "internal"     // our fault; details are logged, never shown
	EINVALID      = "invalid"      // validation failed; see Fields
	ENOTFOUND     = "not_found"    // no such resource
	EUNAUTHORIZED = "unauthorized" // not signed in or bad token
	ETOOLARGE     = "too_large"    // request body over the limit
	EUNAVAILABLE  = "unavailable"  // a dependency (database) is down
)

// Error is the application error: a code, a message safe to show to the
// user, and optional per-field messages for forms and API clients.
type Error struct {
	Code    string
	Message string
	Fields  FieldErrors
	// Policies are the blocking policies that refused a save, if any.
	Policies []PolicyFailure
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Message, map[string]string(e.Fields))
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err; foreign errors get a
// generic message so internals never leak into pages or API answers.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Something went wrong on our side. The error has been logged."
	}
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) FieldErrors {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldErrors maps a field name (as in forms and JSON) to its message.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message, so the
// first (most basic) problem with a field is the one shown.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Has reports whether the field already has a message.
func (f FieldErrors) Has(field string) bool {
	_, ok := f[field]
	return ok
}

// Err returns nil when there are no field errors, else an EINVALID *Error.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: f}
}

// ErrorPolicies returns the blocking policies that refused err's save.
func ErrorPolicies(err error) []PolicyFailure {
	var e *Error
	if errors.As(err, &e) {
		return e.Policies
	}
	return nil
}
