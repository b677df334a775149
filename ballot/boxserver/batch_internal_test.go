package boxserver

import (
	"strings"
	"testing"
)

// TestCheckBatch: a submission of marks or incidents is refused when it is
// empty or too long, holds another station's item, or starts at another
// position than the one signed.
func TestCheckBatch(t *testing.T) {
	owners := []string{"a", "a", "b"}
	item := func(i int) (string, uint64) { return owners[i], uint64(5 + i) }
	for _, c := range []struct {
		n, max   int
		position uint64
		says     string
	}{
		{0, 4, 5, "0 marks, want 1 to 4"},
		{3, 2, 5, "3 marks, want 1 to 2"},
		{3, 4, 5, `mark 2 is station "b"'s, the request is signed by "a"`},
		{2, 4, 6, "first mark's sequence number is 5"},
	} {
		err := checkBatch("mark", c.n, c.max, c.position, `"a"`, item, "a")
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if err := checkBatch("mark", 2, 4, 5, `"a"`, item, "a"); err != nil {
		t.Fatal(err)
	}
}
