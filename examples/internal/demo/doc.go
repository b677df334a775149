// Package demo holds what the two simulated elections of the examples
// share: package guild (examples/election, a board election with a
// homomorphic tally) and package council (examples/council, a council
// election on the mixnet path). It has the derivations of a seeded run's
// secrets and choices, the simulated key ceremony that n trustees run in one
// process, the polling stations' keys, openings and chains, the record's
// folder (OutDir: a new record takes the place of an old one only when it
// is complete, and no file that the old record's index does not list is
// ever removed), the progress logger, the results file and the command
// line of both commands (Command: its flags' rules and exit statuses,
// -version, -h), whose output says which trustees decrypted (Decrypted). The results themselves are printed by package tally
// (Results.WriteText), as any embedder prints them. Each example's
// scenario (its manifest, its voters, its day) stays in its own package.
//
// The record that the examples write is specified in docs/spec.md; this
// package adds nothing to it. It is not for real elections: it keeps every
// trustee and station in one process, and a seeded run derives every secret
// from a public string (see Seeds).
package demo
