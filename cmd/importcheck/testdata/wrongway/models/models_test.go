package models_test

import (
	"testing"

	_ "github.com/meshport/meshport/views"
)

func TestX(t *testing.T) {}
