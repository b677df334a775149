// Package digits converts between the ASCII digits and the
// Extended Arabic-Indic digits that Persian is written with (U+06F0 …
// U+06F9), for the commands' output (-digits fa) and for what people type
// (a short confirmation code, a number), which may use either, or the
// Arabic-Indic digits (U+0660 … U+0669).
package digits

import "strings"

// Persian returns s with every ASCII digit replaced by its Persian form
// (Extended Arabic-Indic, U+06F0 … U+06F9); nothing else changes.
func Persian(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r - '0' + '۰'
		}
		return r
	}, s)
}

// ASCII returns s with every Persian (U+06F0 … U+06F9) and Arabic-Indic
// (U+0660 … U+0669) digit replaced by its ASCII form; nothing else
// changes.
func ASCII(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case '۰' <= r && r <= '۹':
			return r - '۰' + '0'
		case '٠' <= r && r <= '٩':
			return r - '٠' + '0'
		}
		return r
	}, s)
}
