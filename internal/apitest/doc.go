// Package apitest holds a test and no code: it writes programs in a
// temporary module that requires github.com/sandogh/sandogh (a replace
// directive points at this repository), as an embedder's programs would,
// using exported names only, and builds and runs them. One program runs a
// whole election and verifies its record; each of the others makes one
// mistake an embedder could make, and must either fail to compile (the
// test reads the compiler's message) or fail at once at run time with an
// error that names the mistake (the test reads the program's output).
//
// The programs are in testdata/module, a module of their own (the go
// command does not build it as part of this one). The test needs a go
// command that builds offline from the module cache (GOPROXY=off); where
// it cannot, the test is skipped and says why.
package apitest
