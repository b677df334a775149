package elgamal

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
)

// MaxDLogBound is the largest bound NewDLogTable accepts. A table for it
// holds 2^24 baby steps (about 600 MiB); tallies need far less.
const MaxDLogBound = 1<<48 - 1

// minBabySteps is the smallest number of baby steps of a table whose bound
// allows it: a few thousand entries cost a few milliseconds to build and
// make every solve that much cheaper.
const minBabySteps = 4096

// A DLogTable solves bounded discrete logarithms: given M = mG with m in
// [0, max], it finds m by baby-step giant-step.
//
// It stores n baby steps jG, j in [0, n), keyed by the first 8 bytes of the
// canonical encoding of 2·jG (see encodeKeys), and finds m = i·n + j by
// walking the giant steps M − i·nG. A match of the 8-byte key is confirmed
// with a full comparison before it is returned, so a collision of truncated
// keys can only cost time, never give a wrong answer.
//
// A table holds 25 to 40 bytes per baby step: about 110 KiB for bounds up
// to 1.6·10^7, 1.2 MiB for 10^9 and 38 MiB for 10^12. A solve walks up to
// ⌈(max+1)/n⌉ giant steps at the cost of a point addition and a share of a
// batched encoding each, about a microsecond.
//
// A DLogTable is read-only once built and safe for concurrent use.
type DLogTable struct {
	max   uint64
	n     uint64              // number of baby steps
	baby  map[uint64]uint32   // key → j; the first j with that key
	extra map[uint64][]uint32 // further j with a key already in baby
	step  group.Element       // n·G
}

// NewDLogTable precomputes a table that solves discrete logarithms m in
// [0, bound]. It uses n = max(⌈√(bound+1)⌉, min(bound+1, 4096)) baby steps,
// so a solve takes at most ⌈(bound+1)/n⌉ giant steps. It is built on all
// cores, in a few milliseconds for bounds up to 1.6·10^7. It panics if bound
// exceeds MaxDLogBound.
func NewDLogTable(bound uint64) *DLogTable {
	if bound > MaxDLogBound {
		panic(fmt.Sprintf("elgamal: discrete log bound %d exceeds MaxDLogBound", bound))
	}
	n := uint64(math.Sqrt(float64(bound) + 1))
	for n*n < bound+1 { // ⌈√(bound+1)⌉, exact despite floating-point rounding
		n++
	}
	n = max(n, min(bound+1, minBabySteps))

	t := &DLogTable{max: bound, n: n}
	keys := make([]uint64, n)
	par.For(int(n), 1024, func(lo, hi int) {
		P := new(group.Element).ScalarBaseMult(new(group.Scalar).SetUint64(uint64(lo)))
		G := group.NewGeneratorElement()
		const batch = 256
		buf := make([]group.Element, batch)
		points := make([]*group.Element, batch)
		for k := range points {
			points[k] = &buf[k]
		}
		for j := lo; j < hi; j += batch {
			cnt := min(batch, hi-j)
			for k := 0; k < cnt; k++ {
				points[k].Set(P)
				P.Add(P, G)
			}
			encodeKeys(keys[j:j+cnt], points[:cnt])
		}
	})
	t.baby = make(map[uint64]uint32, n)
	for j, k := range keys {
		if _, dup := t.baby[k]; dup {
			if t.extra == nil {
				t.extra = make(map[uint64][]uint32)
			}
			t.extra[k] = append(t.extra[k], uint32(j))
			continue
		}
		t.baby[k] = uint32(j)
	}
	t.step.ScalarBaseMult(new(group.Scalar).SetUint64(n))
	return t
}

// Max returns the bound of the table: VarTimeSolve finds m in [0, Max()].
func (t *DLogTable) Max() uint64 { return t.max }

// VarTimeSolve returns m in [0, t.Max()] with M = mG. If there is no such m,
// it returns an error "elgamal: discrete log exceeds bound N".
//
// Execution time depends on the inputs: use it with public data only, such
// as decrypted tallies.
func (t *DLogTable) VarTimeSolve(M *group.Element) (uint64, error) {
	giants := (t.max + t.n) / t.n // ⌈(max+1)/n⌉
	const batch = 64
	var keys [batch]uint64
	points := make([]*group.Element, batch)
	for k := range points {
		points[k] = group.NewElement()
	}
	P := new(group.Element).Set(M)
	for i := uint64(0); i < giants; i += batch {
		cnt := int(min(batch, giants-i))
		for k := 0; k < cnt; k++ {
			points[k].Set(P)
			P.Subtract(P, &t.step)
		}
		encodeKeys(keys[:cnt], points[:cnt])
		for k := 0; k < cnt; k++ {
			base := (i + uint64(k)) * t.n
			if j, ok := t.baby[keys[k]]; ok {
				if m, ok := t.confirm(M, base+uint64(j)); ok {
					return m, nil
				}
				for _, j := range t.extra[keys[k]] {
					if m, ok := t.confirm(M, base+uint64(j)); ok {
						return m, nil
					}
				}
			}
		}
	}
	return 0, fmt.Errorf("elgamal: discrete log exceeds bound %d", t.max)
}

// confirm reports whether M = mG with m ≤ t.max.
func (t *DLogTable) confirm(M *group.Element, m uint64) (uint64, bool) {
	if m > t.max {
		return 0, false
	}
	P := new(group.Element).ScalarBaseMult(new(group.Scalar).SetUint64(m))
	return m, P.Equal(M) == 1
}

// encodeKeys sets keys[k] to the first 8 bytes, little-endian, of the
// canonical encoding of 2·points[k]. Any injective function of the element
// would do; the encoding of the double is the one that package group computes
// for a whole batch with a single field inversion.
func encodeKeys(keys []uint64, points []*group.Element) {
	for k, enc := range group.DoubleAndEncodeBatch(points) {
		keys[k] = binary.LittleEndian.Uint64(enc[:])
	}
}
