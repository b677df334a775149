// Command bytesid makes the first mistake as it was once possible: the
// election identifier of the trustees' roster as bytes, of another type
// than the manifest's. It does not compile: both are strings.
package main

import (
	"github.com/sandogh/sandogh/trustee"
)

func main() {
	var members []trustee.Member
	trustee.NewRoster([]byte("coop-2025"), 2, members)
}
