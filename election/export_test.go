package election

import "github.com/sandogh/sandogh/tally"

// Update is the -update flag, for the tests of package election_test.
var Update = update

// SetRowChunk sets how many ciphertexts of the final rows checks 18 and 19
// handle at a time, and returns a function that restores it.
func SetRowChunk(n int) (restore func()) {
	old := rowChunk
	rowChunk = n
	return func() { rowChunk = old }
}

// OnDecrypt returns options whose verification calls f with the encrypted
// tally that check 13 decrypts (its Ballots bound every discrete log).
func OnDecrypt(f func(*tally.EncryptedTally)) *Options {
	return &Options{onDecrypt: f}
}
