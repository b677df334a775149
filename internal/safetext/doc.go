// Package safetext holds sandogh's rules for the text of an election:
// which Unicode code points identifiers and names may carry
// (docs/spec.md, Ballots, "Encoding primitives"), and how untrusted text is
// shown to a person without letting it reorder or break what surrounds it.
//
// An identifier (an election, contest, device or ballot identifier) is
// valid UTF-8 in Unicode Normalization Form C with no control character
// (C0, DEL, C1), no line or paragraph separator, and no bidirectional
// formatting character. A name (a title, a candidate's or a trustee's
// name) may carry right-to-left text: it follows the same rules except
// that it may hold the bidirectional marks (ALM, LRM, RLM) and isolates
// (LRI, RLI, FSI … PDI) that are balanced within the name; embeddings and
// overrides (LRE, RLE, PDF, LRO, RLO) are refused everywhere. Neither may
// change the display of the text around it (Boucher and Anderson, "Trojan
// Source", 2021).
//
// Escape and EscapeJSON make any text safe to print: every character that
// is not printable (strconv.IsPrint: controls, format characters such as
// the bidirectional ones, separators other than the ASCII space, private
// use and unassigned code points) and every byte that is not UTF-8 is
// written as an escape.
//
// NameKey is the form in which two names are compared: the manifest
// refuses two candidates of one contest whose names have the same key,
// since voters could not tell them apart (Persian and Arabic forms of yeh
// and kaf, digits of three scripts, invisible characters, white space).
//
// It is internal: its users are packages ballot, trustee and election and
// the verifier command.
package safetext
