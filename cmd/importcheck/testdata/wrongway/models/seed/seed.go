package seed

import _ "github.com/meshport/meshport/models"
