package jobs

import (
	_ "github.com/meshport/meshport/models"
)
