package models

import (
	_ "github.com/meshport/meshport/static"
)
