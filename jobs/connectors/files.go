package connectors

import "errors"

// openFiles is being written.
func openFiles(s Settings, p Policy) (Connector, error) {
	return nil, errors.New("the files connector is not written yet")
}
