//go:build !linux

package demo

// exchange returns errNoExchange: only Linux has renameat2.
func exchange(a, b string) error { return errNoExchange }
