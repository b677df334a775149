//go:build !sandogh_crashtest

package demo

// crashPoint does nothing. In the build of the crash tests (tag
// sandogh_crashtest) it kills the process at a named step of OutDir.Commit.
func crashPoint(step string) {}

// noExchange is true in the crash tests that take the path of systems
// without exchange.
const noExchange = false
