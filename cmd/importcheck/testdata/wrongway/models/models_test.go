package models_test

import (
	"testing"

	_ "github.com/meshport/meshport/models/seed"
	_ "github.com/meshport/meshport/models/storetest"
	_ "github.com/meshport/meshport/views"
)

func TestX(t *testing.T) {}
