package secrets

import _ "github.com/meshport/meshport/models"
