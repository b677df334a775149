// Package apportion allocates the seats of a proportional list election to
// its lists, and each list's seats to its candidates, as a pure function of
// published vote counts, so that anyone can recompute every seat bit for
// bit. docs/apportion.md states the rules and the JSON form exactly.
//
// The methods, named as a manifest names them (Method):
//
//   - "dhondt": D'Hondt (Jefferson), divisors 1, 2, 3, …
//   - "sainte-lague": Sainte-Laguë (Webster), divisors 1, 3, 5, …
//   - "modified-sainte-lague": divisors 1.4, 3, 5, … as in Norway's
//     election act of 2002 (valgloven) and its Sámi parliament elections
//   - "largest-remainder-hare": largest remainders with the Hare quota V/S
//   - "largest-remainder-droop": largest remainders with the Droop quota
//     floor(V/(S+1)) + 1
//
// as described in any electoral-systems text, for example M. Gallagher and
// P. Mitchell (eds.), The Politics of Electoral Systems (Oxford University
// Press, 2005), appendix B, and M. Balinski and H. P. Young, Fair
// Representation (2nd ed., Brookings, 2001). All arithmetic is exact:
// quotients and remainders are compared by cross-multiplication of 64-bit
// integers into 128-bit products, and published as reduced fractions.
//
// Allocate takes an Input (method, seats, an optional threshold in basis
// points of the valid votes, the lists with their votes and their
// candidates' preference votes, and an optional public tie-break seed) and
// returns a Result: the votes, which lists qualified, the quota or the
// quotients, every seat in allocation order with its reason (divisor round
// k, whole quota, largest remainder), the ties that decided a seat, and
// within each list its elected candidates and alternates. A tie is never
// broken silently: without a seed it is reported and its seats left
// undecided; with a seed the tied lists are ordered by
//
//	SHA-512(str("sandogh-v1/list-tie-break") ‖ base hash ‖ bytes(seed) ‖ u32(contest) ‖ u32(list code))
//
// as package tally orders tied candidates. A list never takes more seats than
// it has candidates: the method goes on among the other lists, and the seats
// that no list can take are reported as unfilled.
//
// The Result's JSON form (MarshalJSON) is canonical; UnmarshalJSON is
// strict (no unknown, duplicate, missing or null member). Check recomputes
// a published Result from its Input and names the first field that
// differs, so that a verifier rejects a tampered allocation.
//
// The package knows no ballots, proofs or election record: what counts as
// a vote for a list or for a candidate is decided by the ballot kind that
// feeds it. It does not implement the leveling seats or the party-exclusion
// rounds of a national settlement (such as Norway's), which a caller
// builds from repeated calls, and its ties are not Norway's (which give an
// equal quotient to the list with more votes, then draw lots).
package apportion
