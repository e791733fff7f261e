package config

import "testing"

func TestBuiltinCatalogueIsValid(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.MetricIDs()) < 20 {
		t.Fatalf("built-in catalogue has %d metrics, want at least 20", len(c.MetricIDs()))
	}
}
