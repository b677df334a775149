package boxserver

import (
	"testing"
	"time"
)

// TestRefusalLimitWindow: the limit counts the refusals of the last
// minute only, per device; 0 is the default and a negative limit none.
func TestRefusalLimitWindow(t *testing.T) {
	t0 := time.Date(2026, 6, 12, 8, 0, 0, 0, time.UTC)
	l := newRefusalLimit(3)
	l.note("a", 2, t0)
	l.note("a", 1, t0.Add(30*time.Second))
	if ok, _ := l.allow("b", t0.Add(31*time.Second)); !ok {
		t.Fatal("device b limited by a's refusals")
	}
	ok, wait := l.allow("a", t0.Add(31*time.Second))
	if ok || wait != 29*time.Second {
		t.Fatalf("a after 3 refusals: %v, wait %v", ok, wait)
	}
	if ok, _ := l.allow("a", t0.Add(60*time.Second)); !ok {
		t.Fatal("a still limited once its first refusals are a minute old")
	}
	if newRefusalLimit(0).max != DefaultMaxRefusedPerMinute || newRefusalLimit(-1).max != 0 {
		t.Fatal("defaults")
	}
	none := newRefusalLimit(-1)
	none.note("a", 1000, t0)
	if ok, _ := none.allow("a", t0); !ok {
		t.Fatal("a negative limit limited")
	}
}
