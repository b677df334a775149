package boxserver

import (
	"crypto/ed25519"
	"net/http"
	"net/url"

	"github.com/sandogh/sandogh/ballot"
)

// EncodeBallotsForTest is encodeBallots, for the tests of malformed
// requests.
func EncodeBallotsForTest(bs []*ballot.Ballot, hints [][]byte) []byte {
	return encodeBallots(bs, hints)
}

// SignHeadersForTest sets on h the headers that sign a request to path.
func SignHeadersForTest(h http.Header, baseHash [ballot.HashSize]byte, device string, key []byte, path string, position uint64, body []byte) {
	r := &http.Request{Header: h}
	r.URL = mustURL(path)
	signRequest(r, baseHash, device, ed25519.PrivateKey(key), position, body)
}

func mustURL(path string) *url.URL {
	u, err := url.Parse(path)
	if err != nil {
		panic(err)
	}
	return u
}
