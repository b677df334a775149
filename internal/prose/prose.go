// Package prose writes counts and lists of numbers into the messages of
// sandogh and of its examples as English prose: "1 ballot" and "2
// ballots", not "1 ballots" or "ballot(s)"; "trustees 1, 3 and 4", not
// Go's "[1 3 4]".
package prose

import (
	"fmt"
	"strings"
)

// An integer is any integer type a count may have.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Count returns n followed by noun, in the plural (Plural) unless n is 1:
// Count(1, "ballot") is "1 ballot", Count(0, "entry") is "0 entries",
// Count(2, "share list") is "2 share lists".
func Count[N integer](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprint(n) + " " + Plural(noun)
}

// Plural returns the regular English plural of noun, of its last word if
// it has several: "ballot" → "ballots", "entry" → "entries", "key" →
// "keys", "match" → "matches", "share list" → "share lists".
func Plural(noun string) string {
	n := len(noun)
	switch {
	case n == 0:
		return noun
	case strings.HasSuffix(noun, "y") && n >= 2 && !strings.ContainsRune("aeiou", rune(noun[n-2])):
		return noun[:n-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "z"),
		strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return noun + "es"
	}
	return noun + "s"
}

// List returns the numbers xs as prose, in their order: "" for none, "4",
// "2 and 4", "1, 3 and 4".
func List[N integer](xs []N) string {
	var b strings.Builder
	for k, x := range xs {
		switch {
		case k == 0:
		case k == len(xs)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		fmt.Fprint(&b, x)
	}
	return b.String()
}

// Counted returns noun followed by the numbers xs (List), the noun in the
// plural unless there is one number: Counted("trustee", []int{5}) is
// "trustee 5", Counted("trustee", []int{1, 3, 4}) is "trustees 1, 3 and 4",
// and Counted("trustee", nil) is "no trustees".
func Counted[N integer](noun string, xs []N) string {
	switch len(xs) {
	case 0:
		return "no " + Plural(noun)
	case 1:
		return noun + " " + List(xs)
	}
	return Plural(noun) + " " + List(xs)
}
