package demo

import (
	"fmt"
	"io"
	"strings"

	"github.com/sandogh/sandogh/internal/prose"
)

// A Logger prints progress lines to W; a nil W prints nothing.
type Logger struct{ W io.Writer }

// Printf prints one line.
func (l Logger) Printf(format string, args ...any) {
	if l.W != nil {
		fmt.Fprintf(l.W, format+"\n", args...)
	}
}

// Decrypted returns the sentence that says which trustees were absent at
// decryption and which decrypted what: "Trustee 5 was absent; trustees 1,
// 2 and 4 decrypted the tally." It is empty if no trustee was absent.
func Decrypted(absent, combined []int, what string) string {
	if len(absent) == 0 {
		return ""
	}
	verb := "was"
	if len(absent) > 1 {
		verb = "were"
	}
	who := prose.Counted("trustee", absent)
	return fmt.Sprintf("%s%s %s absent; %s decrypted %s.", strings.ToUpper(who[:1]), who[1:], verb, prose.Counted("trustee", combined), what)
}
