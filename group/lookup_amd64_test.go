//go:build amd64 && !purego

package group

import (
	"math/rand/v2"
	"testing"
)

// TestSelectRowAVX2 checks the AVX2 and AVX-512 row selections against
// the generic ones on rows of random words, for every abs in and around the range,
// including 0 and values above the row that must select nothing.
func TestSelectRowAVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("this processor has no AVX2; the generic selection is in use")
	}
	t.Logf("AVX2 %v, AVX-512 %v", useAVX2, useAVX512)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		var r16 nielsRow16
		var r8 nielsRow
		for c := range 3 {
			for j := range 16 {
				for k := range 4 {
					r16[c][j][k] = rng.Uint64()
				}
			}
			for j := range 8 {
				for k := range 4 {
					r8[c][j][k] = rng.Uint64()
				}
			}
		}
		for _, abs := range []uint64{0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1 << 63, ^uint64(0)} {
			var got, want [12]uint64
			selectRow16AVX2(&got, &r16, abs)
			selectRow16Generic(&want, &r16, abs)
			if abs <= 16 && got != want || abs > 16 && got != [12]uint64{} {
				t.Fatalf("row of 16, abs %d: AVX2 %x, generic %x", abs, got, want)
			}
			selectRow8AVX2(&got, &r8, abs)
			selectRow8Generic(&want, &r8, abs)
			if abs <= 16 && got != want || abs > 8 && got != [12]uint64{} {
				t.Fatalf("row of 8, abs %d: AVX2 %x, generic %x", abs, got, want)
			}
			if useAVX512 {
				var got16, got8 [12]uint64
				selectRow16AVX512(&got16, &r16, abs)
				selectRow8AVX512(&got8, &r8, abs)
				selectRow16Generic(&want, &r16, abs)
				if abs <= 16 && got16 != want || abs > 16 && got16 != [12]uint64{} {
					t.Fatalf("row of 16, abs %d: AVX-512 %x, generic %x", abs, got16, want)
				}
				selectRow8Generic(&want, &r8, abs)
				if abs <= 16 && got8 != want || abs > 8 && got8 != [12]uint64{} {
					t.Fatalf("row of 8, abs %d: AVX-512 %x, generic %x", abs, got8, want)
				}
			}
			if abs >= 1 && abs <= 16 {
				for c := range 3 {
					if [4]uint64(got16(&r16, c, abs)) != r16[c][abs-1] {
						t.Fatalf("row of 16, abs %d: coordinate %d not entry %d", abs, c, abs-1)
					}
				}
			}
		}
	}
}

func got16(row *nielsRow16, c int, abs uint64) []uint64 {
	var w [12]uint64
	selectRow16AVX2(&w, row, abs)
	return w[4*c : 4*c+4]
}

func BenchmarkSelectRow16(b *testing.B) {
	var row nielsRow16
	var w [12]uint64
	b.Run("generic", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			selectRow16Generic(&w, &row, uint64(i&15))
		}
	})
	if useAVX2 {
		b.Run("AVX2", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				selectRow16AVX2(&w, &row, uint64(i&15))
			}
		})
	}
	if useAVX512 {
		b.Run("AVX512", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				selectRow16AVX512(&w, &row, uint64(i&15))
			}
		})
	}
}
