package fieldtest

import (
	"bufio"
	"bytes"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// A Proxy stands between stations and a ballot box on the loopback
// interface and mistreats their connections, one HTTP request per
// connection (give the stations' clients DisableKeepAlives): it passes
// some, delays some, drops some before the box sees them, drops others
// after the box answered (so the station never learns that its ballots
// are in), and sends some twice, the second copy later, after requests
// that were sent after it (a duplicated and reordered request). SetDown
// cuts the network: every connection is closed at once.
type Proxy struct {
	ln     net.Listener
	target atomic.Value // string
	down   atomic.Bool
	seed   uint64
	n      atomic.Uint64
	wg     sync.WaitGroup

	// Counts of what the proxy did.
	Passed, Delayed, DroppedBefore, DroppedAnswer, Duplicated, Refused atomic.Int64
}

// NewProxy listens on 127.0.0.1 and forwards to target (host:port). seed
// makes its choices reproducible per connection.
func NewProxy(target string, seed uint64) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, seed: seed}
	p.target.Store(target)
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// URL returns the proxy's address as an http URL.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetTarget sends the next connections to target (a restarted box).
func (p *Proxy) SetTarget(target string) { p.target.Store(target) }

// SetDown cuts the network (true) or restores it.
func (p *Proxy) SetDown(down bool) { p.down.Store(down) }

// Close stops the proxy and waits for its connections.
func (p *Proxy) Close() {
	p.ln.Close()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			p.handle(c, p.n.Add(1))
		}()
	}
}

func (p *Proxy) handle(c net.Conn, n uint64) {
	if p.down.Load() {
		p.Refused.Add(1)
		return
	}
	r := mrand.New(mrand.NewPCG(p.seed, n))
	c.SetDeadline(time.Now().Add(30 * time.Second))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	var raw bytes.Buffer
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.Close = true
	if err := req.Write(&raw); err != nil {
		return
	}
	switch x := r.IntN(100); {
	case x < 10:
		p.DroppedBefore.Add(1)
		return
	case x < 25:
		p.Delayed.Add(1)
		time.Sleep(time.Duration(r.IntN(150)) * time.Millisecond)
	case x < 35:
		p.DroppedAnswer.Add(1)
		p.forward(raw.Bytes())
		return
	case x < 50:
		p.Duplicated.Add(1)
		later := time.Duration(50+r.IntN(250)) * time.Millisecond
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			time.Sleep(later)
			if !p.down.Load() {
				p.forward(raw.Bytes())
			}
		}()
	default:
		p.Passed.Add(1)
	}
	if p.down.Load() {
		return
	}
	resp := p.forward(raw.Bytes())
	if resp != nil {
		c.Write(resp)
	}
}

// forward sends one request to the target and returns the raw answer
// (nil if there is none).
func (p *Proxy) forward(req []byte) []byte {
	s, err := net.DialTimeout("tcp", p.target.Load().(string), 5*time.Second)
	if err != nil {
		return nil
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := s.Write(req); err != nil {
		return nil
	}
	resp, err := io.ReadAll(s)
	if err != nil && len(resp) == 0 {
		return nil
	}
	return resp
}
