// Package filelock takes an exclusive lock on an open file without
// waiting, so that the ballot box's file is open in one ballot.Box at a
// time (one process, one box), and so that the record's writer can tell
// that a box is still open on ballots.jsonl (election.Writer.FinishBallots).
//
// The lock is advisory: it keeps out the programs that ask for it (every
// Box and Writer of this module), not a program that writes the file
// without asking. Where flock(2) exists (Linux, the BSDs, macOS) the lock
// holds across processes, and two opens of the same file in one process
// exclude each other too; elsewhere it holds within one process only.
//
// This package is for sandogh's own use; it is not a general-purpose
// locking API.
package filelock

import "errors"

// ErrLocked is returned by TryLock when another open of the file holds the
// lock, in this process or another.
var ErrLocked = errors.New("the file is locked by another open of it")
