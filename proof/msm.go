package proof

import "github.com/sandogh/sandogh/group"

// varTimeMSM returns Σ scalars[i]·points[i].
//
// Execution time depends on the inputs: use it with public data only.
func varTimeMSM(scalars []*group.Scalar, points []*group.Element) *group.Element {
	acc := group.NewElement()
	var zero group.Scalar
	t := group.NewElement()
	for i := range scalars {
		t.VarTimeDoubleScalarBaseMult(scalars[i], points[i], &zero)
		acc.Add(acc, t)
	}
	return acc
}
