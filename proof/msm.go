package proof

import "github.com/sandogh/sandogh/group"

// varTimeMSM returns Σ scalars[i]·points[i].
//
// Execution time depends on the inputs: use it with public data only.
func varTimeMSM(scalars []*group.Scalar, points []*group.Element) *group.Element {
	return group.NewElement().VarTimeMultiScalarMult(scalars, points)
}
