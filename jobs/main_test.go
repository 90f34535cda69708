package jobs_test

import (
	"os"
	"testing"

	"github.com/meshport/meshport/models/storetest"
)

// TestMain drops the template databases the tests were copied from.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
