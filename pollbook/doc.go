// Package pollbook is the poll book of an election run at polling
// stations: who may vote (the eligibility list from the civil registry),
// and who has voted (the stations' marks), online and offline, kept apart
// from the ballots. Its formats, the bytes of its pseudonyms and
// signatures, and what each party learns are specified in
// docs/spec.md (§The poll book).
//
// A voter is known by a Pseudonym of her national identifier, an HMAC
// under the election authority's secret Key (NormalizeNationalID says
// which identifiers are valid, in which digits). The List holds the
// pseudonyms of the eligible voters, sorted, in a file a station keeps a
// copy of. At the station, a Book checks each voter (Book.Check): it asks
// the central book through an OnlineChecker with a short timeout and,
// without an answer, decides from its copy of the list, its own marks and
// the marks of other stations it has learned (Book.Learn), and says which
// way it decided. It records each admitted voter as a Mark
// signed by the station's registered device key, with the station's
// sequence number and nothing else (no time, no ballot), durably in its
// own marks file (Book.Mark); a voter without a national identifier is
// admitted by the station committee's signed decision (Book.Admit). The
// station uploads its marks (Book.Marks) to the Central book at the box,
// which merges them idempotently in each station's order (Central.Merge),
// answers online checks (Central.Check), returns an Incident for each
// double vote (a pseudonym marked twice, which offline stations cannot
// prevent and nobody can undo without breaking ballot secrecy) and
// publishes a Summary of counts only.
//
// The package knows nothing of HTTP or of ballots: the box's server
// carries marks and online checks, and the incident log signs and
// publishes the incidents. It is not an identity system: it trusts
// whoever holds the Key and the device keys to do what their role says
// (docs/spec.md §The poll book, "Trust").
package pollbook
