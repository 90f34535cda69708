package connectors

import "errors"

// openMySQL is being written.
func openMySQL(s Settings, p Policy) (Connector, error) {
	return nil, errors.New("the mysql connector is not written yet")
}
