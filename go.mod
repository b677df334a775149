module github.com/sandogh/sandogh

go 1.26.0

require (
	filippo.io/edwards25519 v1.2.0
	github.com/cloudflare/circl v1.6.5
	golang.org/x/crypto v0.58.0
	golang.org/x/text v0.44.0
)

// Test dependencies: independent implementations used as oracles (the
// JSON Schema validator checks the record files and the verifier's report
// against docs/schemas).
require (
	github.com/bwesterb/go-ristretto v1.2.4
	github.com/gtank/ristretto255 v0.2.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
)

require golang.org/x/sys v0.49.0 // indirect
