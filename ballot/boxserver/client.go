package boxserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/sandogh/sandogh/ballot"
)

// A Client is a device's side of the API: it signs each submission with
// the device's key. Its methods are safe for concurrent use, but a
// device's chain must arrive in order: send its ballots from one
// goroutine, each submission after the answer to the one before (a
// package station Station does).
type Client struct {
	// URL is the server's address, "https://box.example:8443".
	URL string
	// HTTP is the client used (http.DefaultClient if nil). Give it a
	// Timeout.
	HTTP *http.Client
	// Device and Key are the registered device's identifier and signing
	// key.
	Device string
	Key    ed25519.PrivateKey
	// BaseHash is the election's base hash.
	BaseHash [ballot.HashSize]byte
}

// A StatusError is an answer of the server other than 200 OK: StatusCode
// 400 (a malformed submission: sending it again does not help), 401 (its
// signature), 503 (the box cannot write now: send it again later) or
// another.
type StatusError struct {
	StatusCode int
	Message    string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("boxserver: the server answered %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// Temporary reports whether sending the same request again later may
// succeed.
func (e *StatusError) Temporary() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusRequestTimeout
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Open submits the device's opening record.
func (c *Client) Open(ctx context.Context, o *ballot.DeviceOpening) (*Answer, error) {
	body, err := o.MarshalJSON()
	if err != nil {
		return nil, err
	}
	a, err := c.submit(ctx, "/v1/opening", 0, "application/json", body)
	if err != nil {
		return nil, err
	}
	if len(a.Results) != 1 || a.Results[0].Code != o.ConfirmationCode() {
		return nil, errors.New("boxserver: the answer is not the opening's")
	}
	return a, nil
}

// Submit submits ballots of the device, in chain order (at most
// MaxBallots), with their decoding hints (ballot.Ballot.DecodingHints,
// computed here). The Answer has one Result per ballot and the device's
// tip.
func (c *Client) Submit(ctx context.Context, bs []*ballot.Ballot) (*Answer, error) {
	if len(bs) > MaxBallots {
		return nil, fmt.Errorf("boxserver: Submit of %d ballots: between 1 and %d", len(bs), MaxBallots)
	}
	hints := make([][]byte, len(bs))
	for i, b := range bs {
		hints[i] = b.DecodingHints()
	}
	return c.SubmitHinted(ctx, bs, hints)
}

// SubmitHinted is Submit with the ballots' decoding hints computed
// beforehand (hints[i] is bs[i]'s, or empty to send none), as a station
// does when each ballot is cast. The hints make the server's decoding
// about six times faster (BenchmarkDecodeBallot in package ballot); they
// change nothing else (docs/spec.md, "Decoding hints").
func (c *Client) SubmitHinted(ctx context.Context, bs []*ballot.Ballot, hints [][]byte) (*Answer, error) {
	if len(bs) == 0 || len(bs) > MaxBallots {
		return nil, fmt.Errorf("boxserver: Submit of %d ballots: between 1 and %d", len(bs), MaxBallots)
	}
	if len(hints) != len(bs) {
		return nil, fmt.Errorf("boxserver: SubmitHinted of %d ballots with %d lists of hints", len(bs), len(hints))
	}
	a, err := c.submit(ctx, "/v1/ballots", bs[0].Header().Sequence, "application/octet-stream", encodeBallots(bs, hints))
	if err != nil {
		return nil, err
	}
	if len(a.Results) != len(bs) {
		return nil, fmt.Errorf("boxserver: %d ballots sent, %d results in the answer", len(bs), len(a.Results))
	}
	for i, r := range a.Results {
		if r.Code != bs[i].ConfirmationCode() {
			return nil, fmt.Errorf("boxserver: result %d is not the answer for ballot %q", i, bs[i].ID())
		}
	}
	return a, nil
}

// post sends a signed request to path and decodes its answer into v.
func (c *Client) post(ctx context.Context, path string, position uint64, body []byte, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ctype := "application/json"
	if path == "/v1/ballots" {
		ctype = "application/octet-stream"
	}
	req.Header.Set("Content-Type", ctype)
	signRequest(req, c.BaseHash, c.Device, c.Key, position, body)
	return c.do(req, v)
}

// get sends a GET request to path and decodes its answer into v.
func (c *Client) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.URL, "/")+path, nil)
	if err != nil {
		return err
	}
	return c.do(req, v)
}

func (c *Client) submit(ctx context.Context, path string, position uint64, ctype string, body []byte) (*Answer, error) {
	a := new(Answer)
	if err := c.post(ctx, path, position, body, a); err != nil {
		return nil, err
	}
	if a.Tip.Device != c.Device {
		return nil, fmt.Errorf("boxserver: the answer gives the tip of device %q, not %q", a.Tip.Device, c.Device)
	}
	return a, nil
}

// Tip asks the server for the end of the device's chain in the box.
func (c *Client) Tip(ctx context.Context) (*Tip, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.URL, "/")+"/v1/tip?device="+url.QueryEscape(c.Device), nil)
	if err != nil {
		return nil, err
	}
	t := new(Tip)
	if err := c.do(req, t); err != nil {
		return nil, err
	}
	if t.Device != c.Device {
		return nil, fmt.Errorf("boxserver: asked for the tip of %q, got %q's", c.Device, t.Device)
	}
	return t, nil
}

// Lookup asks the server at base for the ballots whose short confirmation
// code is code (as a voter types it).
func Lookup(ctx context.Context, hc *http.Client, base, code string) (*Found, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/v1/lookup?code="+url.QueryEscape(code), nil)
	if err != nil {
		return nil, err
	}
	f := new(Found)
	c := &Client{HTTP: hc}
	if err := c.do(req, f); err != nil {
		return nil, err
	}
	return f, nil
}

// do sends req and decodes a 200 answer's JSON into v.
func (c *Client) do(req *http.Request, v any) error {
	resp, err := c.http().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var p problem
		if json.Unmarshal(data, &p) != nil || p.Error == "" {
			p.Error = strings.TrimSpace(string(data))
		}
		return &StatusError{StatusCode: resp.StatusCode, Message: p.Error}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("boxserver: the server's answer does not decode: %v", err)
	}
	return nil
}
