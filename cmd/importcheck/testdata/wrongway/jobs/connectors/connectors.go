package connectors

import (
	_ "github.com/meshport/meshport/models"
	_ "github.com/meshport/meshport/views"
)
