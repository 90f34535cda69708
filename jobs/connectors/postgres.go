package connectors

import "errors"

// openPostgres is being written.
func openPostgres(s Settings, p Policy) (Connector, error) {
	return nil, errors.New("the postgres connector is not written yet")
}
