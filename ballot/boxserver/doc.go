// Package boxserver serves a ballot box (ballot.Box) to polling stations
// over HTTP, and is the stations' client of it: docs/spec.md §Ballots,
// "The ballot box over HTTP", gives the requests and answers byte for
// byte.
//
// A device submits its opening and its ballots, in chain order, in
// requests signed with its registered Ed25519 key over the path, the
// chain position and the body. The server gathers the submissions of all
// stations into batches, has the box decide each batch by the acceptance
// rule with one batch verification of the proofs and write it with one
// fsync (group commit), and answers each ballot accepted, refused or
// rejected, with the device's tip: an answer of accepted or refused is
// durable. Sending the same ballots again gets the same answers and
// writes nothing, so a station that lost its link resends from the tip.
//
// Its public side, for observers and voters, serves the record as it
// grows (the record folder's files and the box's file, with an index of
// both), each device's tip and the lookup of a voter's short confirmation
// code.
//
// Serve a Server with net/http (an http.Server with timeouts, TLS in the
// field); Close it, then close the box. The station's side, with its
// durable outbox and its retries, is package ballot/station; the command
// examples/ballotbox runs a server.
//
// It is not an eligibility or rate-limiting service: a registered device
// can fill the box with its own refused ballots, which the record then
// shows. It does not take remote voters' (credential) ballots.
package boxserver
