package models_test

import (
	"reflect"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// TestStoreOptionsDefaults: the zero Options give the default rules; a
// partly set FindingRules keeps what was set and defaults only the rest.
func TestStoreOptionsDefaults(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t).DB()
	if got := models.NewStore(db, models.Options{}).FindingRules(); !reflect.DeepEqual(got, models.DefaultFindingRules()) {
		t.Errorf("zero options: rules %+v, want the defaults %+v", got, models.DefaultFindingRules())
	}
	partial := models.FindingRules{PricePerGBMonth: 0.5, KindPrices: map[string]float64{"files": 0.02}}
	got := models.NewStore(db, models.Options{FindingRules: partial}).FindingRules()
	want := models.FindingRules{UnreadDays: 90, PricePerGBMonth: 0.5, KindPrices: map[string]float64{"files": 0.02}, Currency: "USD"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("partial rules: %+v, want %+v", got, want)
	}
	free := models.FindingRules{UnreadDays: 30, Currency: "EUR"} // a price of zero stays zero
	if got := models.NewStore(db, models.Options{FindingRules: free}).FindingRules(); !reflect.DeepEqual(got, free) {
		t.Errorf("rules with a zero price: %+v, want %+v", got, free)
	}
}
