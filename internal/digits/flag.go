package digits

import "fmt"

// A Flag is the value of a command's -digits flag, the digits it prints
// numbers with: "latin" (ASCII, the zero value) or "fa" (Persian, for
// readers of Persian, who also get right-to-left names right-aligned where
// the command prints a column of names). It implements flag.Value:
//
//	var dg digits.Flag
//	fs.Var(&dg, "digits", digits.FlagUsage)
type Flag struct{ persian bool }

// FlagUsage is the usage text of a -digits flag.
const FlagUsage = "digits of the numbers printed: `latin` (0-9) or fa (Persian ۰-۹, and Persian names right-aligned)"

// String returns "latin" or "fa".
func (f *Flag) String() string {
	if f != nil && f.persian {
		return "fa"
	}
	return "latin"
}

// Set sets the flag to "latin" or "fa"; it refuses anything else.
func (f *Flag) Set(s string) error {
	switch s {
	case "latin":
		f.persian = false
	case "fa":
		f.persian = true
	default:
		return fmt.Errorf("%q is not latin or fa", s)
	}
	return nil
}

// Persian reports whether the flag is "fa".
func (f *Flag) Persian() bool { return f.persian }

// Format returns s with Persian digits if the flag is "fa", and s as it is
// otherwise. Give it only text the command writes itself, numbers and
// words: the digits of an identifier, a name or a path are part of it.
func (f *Flag) Format(s string) string {
	if f.persian {
		return Persian(s)
	}
	return s
}
