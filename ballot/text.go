package ballot

import (
	"fmt"

	"github.com/sandogh/sandogh/internal/safetext"
)

// checkText checks an identifier (of the election, a contest, a device or
// a ballot): at most maxText bytes (a ballot identifier is checked against
// maxBallotID by its caller), empty only if emptyOK, valid UTF-8 in
// Unicode Normalization Form C, without control characters, line or
// paragraph separators or bidirectional formatting characters
// (docs/spec.md, Ballots, "Encoding primitives").
func checkText(field, s string, emptyOK bool) error {
	if err := checkLength(field, s, emptyOK); err != nil {
		return err
	}
	if err := safetext.CheckIdentifier(s); err != nil {
		return fmt.Errorf("ballot: %s %q: %v", field, s, err)
	}
	return nil
}

// checkName checks a title or a name, which may carry right-to-left text:
// as checkText, except that the bidirectional marks and balanced isolates
// are allowed (safetext.CheckName).
func checkName(field, s string, emptyOK bool) error {
	if err := checkLength(field, s, emptyOK); err != nil {
		return err
	}
	if err := safetext.CheckName(s); err != nil {
		return fmt.Errorf("ballot: %s %q: %v", field, s, err)
	}
	return nil
}

func checkLength(field, s string, emptyOK bool) error {
	switch {
	case s == "" && !emptyOK:
		return fmt.Errorf("ballot: %s is empty", field)
	case len(s) > maxText:
		return fmt.Errorf("ballot: %s is %d bytes long, more than the maximum %d", field, len(s), maxText)
	}
	return nil
}
