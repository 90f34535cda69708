package storetest

import _ "github.com/meshport/meshport/models"
