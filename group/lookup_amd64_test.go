//go:build amd64 && !purego

package group

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// vectorSelections returns the vector row selections this processor can
// run. They are specified for every abs.
func vectorSelections() []rowSelection {
	var s []rowSelection
	if useAVX2 {
		s = append(s, rowSelection{"AVX2", selectRow16AVX2, selectRow8AVX2, ^uint64(0)})
	}
	if useAVX512 {
		s = append(s, rowSelection{"AVX-512", selectRow16AVX512, selectRow8AVX512, ^uint64(0)})
	}
	return s
}

// TestSelectRowAVX2 checks every row selection this processor has (the
// generic one, AVX2, AVX-512) against direct indexing, and so against each
// other: random and labelled rows, every abs in and around the range, 0, and
// values up to 2^64−1 that must select nothing (checkRowSelection).
func TestSelectRowAVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("this processor has no AVX2; the generic selection is in use")
	}
	t.Logf("AVX2 %v, AVX-512 %v", useAVX2, useAVX512)
	for _, s := range append([]rowSelection{genericSelection}, vectorSelections()...) {
		checkRowSelection(t, s)
	}
}

func BenchmarkSelectRow16(b *testing.B) {
	var row nielsRow16
	var w [12]uint64
	for _, s := range append([]rowSelection{genericSelection}, vectorSelections()...) {
		b.Run(s.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				s.sel16(&w, &row, uint64(i&15))
			}
		})
	}
}

// TestLookupAssemblyUnmaskedLoads reads lookup_amd64.s and fails if an
// instruction that uses an opmask register (K1–K7) has a memory operand. A
// masked load may leave the masked-off lanes unread, and in the lookups the
// mask depends on the secret digit: every load must be unmasked and the
// mask applied between registers (docs/spec.md, "Constant-time table
// lookups").
func TestLookupAssemblyUnmaskedLoads(t *testing.T) {
	src, err := os.ReadFile("lookup_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	opmask := regexp.MustCompile(`\bK[1-7]\b`)
	masked := 0
	for i, line := range strings.Split(string(src), "\n") {
		code, _, _ := strings.Cut(line, "//")
		if !opmask.MatchString(code) {
			continue
		}
		masked++
		if strings.Contains(code, "(") {
			t.Errorf("lookup_amd64.s:%d: masked instruction with a memory operand: %s", i+1, strings.TrimSpace(code))
		}
	}
	if masked == 0 {
		t.Error("lookup_amd64.s: no instruction uses an opmask register; is this still the AVX-512 lookup?")
	}
}
