package connectors

import "errors"

// openSQLite is being written.
func openSQLite(s Settings, p Policy) (Connector, error) {
	return nil, errors.New("the sqlite connector is not written yet")
}
