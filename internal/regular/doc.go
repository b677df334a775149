// Package regular opens the files of an election record and of a ballot
// box without ever blocking and without following a symbolic link: a path
// that names a named pipe, a device, a socket, a folder or a symbolic link
// where a file is expected is refused with an error that wraps
// ErrNotRegular and names what the path is (docs/spec.md, "The election
// record", "Conventions").
//
// Opening a named pipe for reading blocks until a writer appears, and
// reading a device such as /dev/zero never ends, so a verifier that simply
// calls os.Open on a downloaded record can be made to hang. Open and
// OpenFile instead open with O_NONBLOCK and O_NOFOLLOW, check with fstat
// that the descriptor is a regular file, and only then return it, in
// blocking mode. ReadDir opens a folder with O_DIRECTORY, which fails at
// once on anything else.
//
// On systems without these flags (Windows, Plan 9, WebAssembly) the checks
// fall back to Lstat before the open and Stat after it, which refuses the
// same kinds of files but leaves a window between the two calls.
//
// This package is for sandogh's own use (package election, and the ballot
// box); it is not a general-purpose file API.
package regular
