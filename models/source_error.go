package models

// SourceError is a failure to reach or read a source, told in plain words
// for the person who registered it (connectors and the source policy
// return it); the driver's own message is kept in Err for the logs.
type SourceError struct {
	// Reason is one of the Failure* constants; crawl runs keep it.
	Reason  string
	Message string
	Err     error
}

const (
	FailureAuth        = "auth"        // wrong user or password
	FailureUnreachable = "unreachable" // host does not answer, refused, DNS
	FailureNoDatabase  = "no-database" // database or path does not exist
	FailurePermission  = "permission"  // cannot read the catalogs or statistics
	FailurePolicy      = "policy"      // host or path refused by the network/file policy
	FailureTimeout     = "timeout"     // took longer than allowed
	FailureInvalid     = "invalid"     // the DSN cannot be understood
	FailureOther       = "other"
)

func (e *SourceError) Error() string { return e.Message }
func (e *SourceError) Unwrap() error { return e.Err }
