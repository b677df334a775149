// Package version holds the version of sandogh that the commands print
// (-version) and that the reports and records they write carry.
package version

// Version is sandogh's version, without a leading "v" (its git tag is
// "v" + Version). It changes with every release; CHANGELOG.md says what
// each release changed.
const Version = "0.2.0"

// String returns "sandogh " + Version, the form the commands print.
func String() string { return "sandogh " + Version }
