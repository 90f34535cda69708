package handlers

import (
	_ "github.com/meshport/meshport/jobs"
	_ "github.com/meshport/meshport/models"
	_ "github.com/meshport/meshport/models/storetest"
	_ "github.com/meshport/meshport/views"
)
