package views

import (
	_ "github.com/meshport/meshport/jobs"
	_ "github.com/meshport/meshport/models"
	_ "github.com/meshport/meshport/models/seed"
)
