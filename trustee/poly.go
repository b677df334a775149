package trustee

import (
	"fmt"

	"github.com/sandogh/sandogh/group"
)

// evalPolynomial returns f(x) = Σ_k coeffs[k]·x^k by Horner's rule. The
// coefficients are secret and the arithmetic is constant time; x is public.
func evalPolynomial(coeffs []*group.Scalar, x int) *group.Scalar {
	xs := new(group.Scalar).SetUint64(uint64(x))
	acc := new(group.Scalar)
	for k := len(coeffs) - 1; k >= 0; k-- {
		acc.MultiplyAdd(acc, xs, coeffs[k])
	}
	return acc
}

// powers returns 1, x, x², …, x^{t−1} as scalars.
func powers(x, t int) []*group.Scalar {
	out := make([]*group.Scalar, t)
	xs := new(group.Scalar).SetUint64(uint64(x))
	acc := new(group.Scalar).SetUint64(1)
	for k := range out {
		out[k] = new(group.Scalar).Set(acc)
		acc.Multiply(acc, xs)
	}
	return out
}

// varTimeEvalCommitments returns Σ_k x^k·C_k = f(x)·G for commitments
// C_k = a_k·G.
//
// Execution time depends on the inputs: the commitments and x are public.
func varTimeEvalCommitments(C []*group.Element, x int) *group.Element {
	return group.NewElement().VarTimeMultiScalarMult(powers(x, len(C)), C)
}

// lagrange returns the Lagrange coefficients at 0 of the distinct non-zero
// indices set: λ_j = Π_{m ∈ set, m ≠ j} m / (m − j), so that
// f(0) = Σ_j λ_j·f(j) for every polynomial f of degree below len(set).
// It returns an error if an index is repeated or not positive.
func lagrange(set []int) ([]*group.Scalar, error) {
	seen := make(map[int]bool, len(set))
	for _, j := range set {
		if j < 1 {
			return nil, fmt.Errorf("trustee: Lagrange coefficient of index %d", j)
		}
		if seen[j] {
			return nil, fmt.Errorf("trustee: index %d repeated in the interpolation set", j)
		}
		seen[j] = true
	}
	out := make([]*group.Scalar, len(set))
	num, den, d := new(group.Scalar), new(group.Scalar), new(group.Scalar)
	ms, js := new(group.Scalar), new(group.Scalar)
	for a, j := range set {
		num.SetUint64(1)
		den.SetUint64(1)
		js.SetUint64(uint64(j))
		for _, m := range set {
			if m == j {
				continue
			}
			ms.SetUint64(uint64(m))
			num.Multiply(num, ms)
			den.Multiply(den, d.Subtract(ms, js))
		}
		out[a] = new(group.Scalar).Multiply(num, den.Invert(den))
	}
	return out, nil
}
