package trustee

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/sealed"
)

// message is what the four ceremony messages have in common.
type message interface {
	Bytes() []byte
	MarshalJSON() ([]byte, error)
	VerifySignature(*Roster) error
}

// sampleCeremony returns a ceremony with one message of each kind.
func sampleCeremony(t testing.TB) (*Roster, []*Trustee, *Ceremony) {
	r, ts := testTrustees(t, 4, 3)
	c := runCeremony(t, r, ts, hooks{
		complain: func(c *Ceremony) { c.Complaints = append(c.Complaints, forgeComplaint(ts[3], 2, ShareUndecryptable)) },
	})
	return r, ts, c
}

// decodeBytes decodes b into a new message of the same type as m.
func decodeBytes(m message, b []byte) (message, error) {
	switch m.(type) {
	case *Commitments:
		return new(Commitments).SetCanonicalBytes(b)
	case *EncryptedShare:
		return new(EncryptedShare).SetCanonicalBytes(b)
	case *Complaint:
		return new(Complaint).SetCanonicalBytes(b)
	case *ComplaintResponse:
		return new(ComplaintResponse).SetCanonicalBytes(b)
	}
	panic("unknown message")
}

func decodeJSON(m message, b []byte) (message, error) {
	var out interface {
		message
		UnmarshalJSON([]byte) error
	}
	switch m.(type) {
	case *Commitments:
		out = new(Commitments)
	case *EncryptedShare:
		out = new(EncryptedShare)
	case *Complaint:
		out = new(Complaint)
	case *ComplaintResponse:
		out = new(ComplaintResponse)
	}
	return out, out.UnmarshalJSON(b)
}

func allMessages(c *Ceremony) []message {
	return []message{c.Commitments[0], c.Shares[0], c.Complaints[0], c.Responses[0]}
}

// TestMessageRoundTrips: every message survives its byte and JSON forms
// unchanged and still verifies.
func TestMessageRoundTrips(t *testing.T) {
	r, _, c := sampleCeremony(t)
	for _, m := range allMessages(c) {
		b := m.Bytes()
		m2, err := decodeBytes(m, b)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !bytes.Equal(m2.Bytes(), b) {
			t.Fatalf("%T: byte round trip differs", m)
		}
		if err := m2.VerifySignature(r); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		j, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		m3, err := decodeJSON(m, j)
		if err != nil {
			t.Fatalf("%T: %v\n%s", m, err, j)
		}
		j3, _ := m3.MarshalJSON()
		if !bytes.Equal(j, j3) || !bytes.Equal(m3.Bytes(), b) {
			t.Fatalf("%T: JSON round trip differs", m)
		}
		if err := m3.VerifySignature(r); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if _, err := decodeBytes(m, append(bytes.Clone(b), 0)); err == nil {
			t.Fatalf("%T: trailing byte accepted", m)
		}
		for n := 0; n < len(b); n++ {
			if _, err := decodeBytes(m, b[:n]); err == nil {
				t.Fatalf("%T: truncated to %d bytes accepted", m, n)
			}
		}
	}
}

// TestTamperingDetected flips every bit of every message: the result either
// does not decode or does not verify.
func TestTamperingDetected(t *testing.T) {
	r, _, c := sampleCeremony(t)
	for _, m := range allMessages(c) {
		b := m.Bytes()
		for i := range b {
			for bit := 0; bit < 8; bit++ {
				x := bytes.Clone(b)
				x[i] ^= 1 << bit
				m2, err := decodeBytes(m, x)
				if err != nil {
					continue
				}
				if m2.VerifySignature(r) == nil {
					t.Fatalf("%T: byte %d bit %d flipped: still verifies", m, i, bit)
				}
			}
		}
	}
}

// TestTamperingJSONFields changes each member of each message's JSON form.
func TestTamperingJSONFields(t *testing.T) {
	r, _, c := sampleCeremony(t)
	for _, m := range allMessages(c) {
		j, _ := m.MarshalJSON()
		var obj map[string]any
		if err := json.Unmarshal(j, &obj); err != nil {
			t.Fatal(err)
		}
		for name := range obj {
			mod := make(map[string]any)
			for k, v := range obj {
				mod[k] = v
			}
			switch v := obj[name].(type) {
			case float64:
				mod[name] = v + 1
			case string:
				if v == "undecryptable" {
					mod[name] = "missing"
				} else {
					mod[name] = flipHex(v)
				}
			case []any:
				w := append([]any(nil), v...)
				switch x := w[len(w)-1].(type) {
				case string:
					w[len(w)-1] = flipHex(x)
				case map[string]any:
					y := make(map[string]any)
					for k, val := range x {
						y[k] = val
					}
					y["response"] = flipHex(y["response"].(string))
					w[len(w)-1] = y
				}
				mod[name] = w
			default:
				t.Fatalf("%T: member %s of type %T", m, name, v)
			}
			mj, _ := json.Marshal(mod)
			m2, err := decodeJSON(m, mj)
			if err == nil && m2.VerifySignature(r) == nil {
				t.Fatalf("%T: member %s changed: still verifies", m, name)
			}
		}
	}
}

// flipHex changes the hexadecimal string in its first byte, so that
// canonical encodings stay likely canonical.
func flipHex(s string) string {
	b := []byte(s)
	if b[1] == '0' {
		b[1] = '1'
	} else {
		b[1] = '0'
	}
	return string(b)
}

func TestJSONStrictness(t *testing.T) {
	_, _, c := sampleCeremony(t)
	j, _ := c.Complaints[0].MarshalJSON()
	s := string(j)
	for name, bad := range map[string]string{
		"unknown member":   strings.Replace(s, `{"ceremony"`, `{"extra":1,"ceremony"`, 1),
		"duplicate member": strings.Replace(s, `{"ceremony"`, `{"dealer":2,"ceremony"`, 1),
		"missing member":   strings.Replace(s, `"reason":"undecryptable",`, ``, 1),
		"uppercase hex":    strings.Replace(s, `"ceremony":"`+hexString(c.Complaints[0].Ceremony), `"ceremony":"`+strings.ToUpper(hexString(c.Complaints[0].Ceremony)), 1),
		"index as string":  strings.Replace(s, `"dealer":2`, `"dealer":"2"`, 1),
		"index zero":       strings.Replace(s, `"dealer":2`, `"dealer":0`, 1),
		"fractional index": strings.Replace(s, `"dealer":2`, `"dealer":2.5`, 1),
		"self complaint":   strings.Replace(s, `"dealer":2`, `"dealer":4`, 1),
		"unknown reason":   strings.Replace(s, `"undecryptable"`, `"bored"`, 1),
		"trailing data":    s + "{}",
		"not an object":    "[]",
	} {
		if bad == s {
			t.Fatalf("%s: the test did not change the JSON", name)
		}
		if err := new(Complaint).UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func TestRosterJSON(t *testing.T) {
	r, _, _ := sampleCeremony(t)
	j, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var r2 Roster
	if err := json.Unmarshal(j, &r2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r2.Hash(), r.Hash()) || r2.Size() != 4 || r2.Threshold() != 3 {
		t.Fatal("roster round trip")
	}
	j2, _ := r2.MarshalJSON()
	if !bytes.Equal(j, j2) {
		t.Fatal("roster JSON round trip differs")
	}
	for name, bad := range map[string]string{
		"stated hash": strings.Replace(string(j), `"ceremony":"`+hexString(r.hash)[:2], `"ceremony":"`+flipHex(hexString(r.hash)[:2]), 1),
		"group":       strings.Replace(string(j), `"ristretto255"`, `"P-256"`, 1),
		"suite":       strings.Replace(string(j), `ChaCha20Poly1305"`, `AES-128-GCM"`, 1),
		"threshold":   strings.Replace(string(j), `"threshold":3`, `"threshold":5`, 1),
	} {
		if err := new(Roster).UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s changed: accepted", name)
		}
	}
}

func TestResultJSON(t *testing.T) {
	_, ts, c := sampleCeremony(t)
	res, _ := finishAll(t, c, ts)
	j, err := res.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var res2 Result
	if err := json.Unmarshal(j, &res2); err != nil {
		t.Fatalf("%v\n%s", err, j)
	}
	j2, _ := res2.MarshalJSON()
	if !bytes.Equal(j, j2) {
		t.Fatalf("result JSON round trip differs:\n%s\n%s", j, j2)
	}
	if len(res2.Judgments) != 1 || res2.Judgments[0] != (Judgment{4, 2, ComplaintDismissed}) {
		t.Fatalf("judgments %v", res2.Judgments)
	}
}

func TestShareListEncodings(t *testing.T) {
	_, _, _, _, lists := setup(t, 3, 2, 6)
	l := lists[2]
	b := l.Bytes()
	if len(b) != 12+6*shareEntrySize {
		t.Fatalf("%d bytes", len(b))
	}
	l2, err := new(ShareList).SetCanonicalBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(l2.Bytes(), b) {
		t.Fatal("byte round trip differs")
	}
	j, err := l.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var l3 ShareList
	if err := json.Unmarshal(j, &l3); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(l3.Bytes(), b) {
		t.Fatal("JSON round trip differs")
	}
	for n := 0; n < len(b); n++ {
		if _, err := new(ShareList).SetCanonicalBytes(b[:n]); err == nil {
			t.Fatalf("truncated to %d bytes accepted", n)
		}
	}
	// Non-canonical encodings are named by entry and field.
	x := bytes.Clone(b)
	copy(x[12+4*shareEntrySize+64:], bytes.Repeat([]byte{0xff}, 32))
	_, err = new(ShareList).SetCanonicalBytes(x)
	if err == nil || !strings.Contains(err.Error(), "entry 4: field commitment2") {
		t.Fatalf("err = %v", err)
	}
}

// TestSealedState: identities, ceremony states and key shares survive
// sealing; a wrong passphrase, a modified file or a file of another kind
// give clear errors.
func TestSealedState(t *testing.T) {
	r, ts, c := sampleCeremony(t)
	pass := []byte("trustee passphrase")

	data, err := ts[1].Seal(pass)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := OpenTrustee(data, pass)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ts[1].encode()
	b, _ := t2.encode()
	if !bytes.Equal(a, b) {
		t.Fatal("ceremony state round trip differs")
	}
	res1, ks1, err := ts[1].Finish(c)
	if err != nil {
		t.Fatal(err)
	}
	res2, ks2, err := t2.Finish(c)
	if err != nil {
		t.Fatal(err)
	}
	j1, _ := res1.MarshalJSON()
	j2, _ := res2.MarshalJSON()
	if !bytes.Equal(j1, j2) || !bytes.Equal(ks1.encode(), ks2.encode()) {
		t.Fatal("the restored trustee finishes differently")
	}
	if _, err := OpenTrustee(data, []byte("wrong")); !errors.Is(err, sealed.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	mod := bytes.Clone(data)
	mod[len(mod)-20] ^= 1
	if _, err := OpenTrustee(mod, pass); !errors.Is(err, sealed.ErrWrongPassphrase) {
		t.Fatalf("modified file: %v", err)
	}

	kdata, err := ks1.Seal(pass)
	if err != nil {
		t.Fatal(err)
	}
	ks3, err := OpenKeyShare(kdata, pass)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ks3.encode(), ks1.encode()) || ks3.Index() != 2 || !bytes.Equal(ks3.Ceremony(), r.Hash()) {
		t.Fatal("key share round trip differs")
	}
	if _, err := OpenKeyShare(data, pass); err == nil || !strings.Contains(err.Error(), "not a") {
		t.Fatalf("a ceremony state opened as a key share: %v", err)
	}

	idata, err := ts[0].id.Seal(pass)
	if err != nil {
		t.Fatal(err)
	}
	id, err := OpenIdentity(idata, pass)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(id.encode(), ts[0].id.encode()) || id.Name() != ts[0].id.Name() {
		t.Fatal("identity round trip differs")
	}
	if _, err := OpenIdentity(idata, []byte("wrong")); !errors.Is(err, sealed.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// A key share whose secret does not match its verification key is
	// refused even inside a valid seal.
	bad := ks1.encode()
	bad[CeremonyHashSize+4] ^= 1
	if _, err := decodeKeyShare(bad); err == nil {
		t.Fatal("inconsistent key share accepted")
	}
}

// TestRoundOrder: the driver refuses steps out of order, and repeated steps
// return the same messages.
func TestRoundOrder(t *testing.T) {
	r, ts := testTrustees(t, 3, 2)
	tr := ts[0]
	if _, err := tr.Round2(); err == nil {
		t.Fatal("Round2 before Round1")
	}
	if _, err := tr.ReceiveShares(nil, nil); err == nil {
		t.Fatal("ReceiveShares before Round2")
	}
	if _, _, err := tr.Finish(&Ceremony{Roster: r}); err == nil {
		t.Fatal("Finish before ReceiveShares")
	}
	c1, _ := tr.Round1()
	c2, _ := tr.Round1()
	if !bytes.Equal(c1.Bytes(), c2.Bytes()) {
		t.Fatal("Round1 is not repeatable")
	}
	s1, _ := tr.Round2()
	data, _ := tr.Seal([]byte("p"))
	tr2, err := OpenTrustee(data, []byte("p"))
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := tr2.Round2()
	for k := range s1 {
		if !bytes.Equal(s1[k].Bytes(), s2[k].Bytes()) {
			t.Fatal("Round2 after restoring the state is not repeatable")
		}
	}
	// An identity that is not in the roster cannot take part.
	stranger := testIdentities(t, 4)[3]
	if _, err := NewTrustee(r, stranger); err == nil {
		t.Fatal("a stranger joined the ceremony")
	}
}

func fuzzMessage[M any, P interface {
	*M
	message
	SetCanonicalBytes([]byte) (P, error)
	UnmarshalJSON([]byte) error
}](f *testing.F, seeds ...message) {
	for _, s := range seeds {
		f.Add(s.Bytes())
		j, _ := s.MarshalJSON()
		f.Add(j)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := P(new(M)).SetCanonicalBytes(data); err == nil {
			if !bytes.Equal(m.Bytes(), data) {
				t.Fatalf("non-canonical encoding accepted: %x", data)
			}
			j, err := m.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := P(new(M)).UnmarshalJSON(j); err != nil {
				t.Fatalf("own JSON rejected: %v", err)
			}
		}
		m := P(new(M))
		if err := m.UnmarshalJSON(data); err == nil {
			if _, err := P(new(M)).SetCanonicalBytes(m.Bytes()); err != nil {
				t.Fatalf("own encoding rejected: %v", err)
			}
		}
	})
}

func FuzzCommitments(f *testing.F) {
	_, _, c := sampleCeremony(f)
	fuzzMessage[Commitments](f, c.Commitments[0], c.Commitments[1])
}

func FuzzEncryptedShare(f *testing.F) {
	_, _, c := sampleCeremony(f)
	fuzzMessage[EncryptedShare](f, c.Shares[0])
}

func FuzzComplaint(f *testing.F) {
	_, _, c := sampleCeremony(f)
	fuzzMessage[Complaint](f, c.Complaints[0])
}

func FuzzComplaintResponse(f *testing.F) {
	_, _, c := sampleCeremony(f)
	fuzzMessage[ComplaintResponse](f, c.Responses[0])
}

func FuzzShareList(f *testing.F) {
	r, ts := testTrustees(f, 2, 1)
	_, keys := finishAll(f, runCeremony(f, r, ts, hooks{}), ts)
	pk, _ := elgamal.NewPublicKey(keys[0].VerificationKey())
	cts, _ := testCiphertexts(pk, 2)
	l, err := keys[0].DecryptSharesUnchecked([]byte("base"), cts)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(l.Bytes())
	j, _ := l.MarshalJSON()
	f.Add(j)
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte(`{"trustee":1,"shares":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if l, err := new(ShareList).SetCanonicalBytes(data); err == nil {
			if !bytes.Equal(l.Bytes(), data) {
				t.Fatal("non-canonical encoding accepted")
			}
			j, _ := l.MarshalJSON()
			if err := new(ShareList).UnmarshalJSON(j); err != nil {
				t.Fatalf("own JSON rejected: %v", err)
			}
		}
		var l ShareList
		if err := l.UnmarshalJSON(data); err == nil {
			if _, err := new(ShareList).SetCanonicalBytes(l.Bytes()); err != nil {
				t.Fatalf("own encoding rejected: %v", err)
			}
		}
	})
}

func FuzzRoster(f *testing.F) {
	r, _, _ := sampleCeremony(f)
	j, _ := r.MarshalJSON()
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Roster
		if err := r.UnmarshalJSON(data); err == nil {
			j, _ := r.MarshalJSON()
			var r2 Roster
			if err := r2.UnmarshalJSON(j); err != nil || !bytes.Equal(r2.hash, r.hash) {
				t.Fatalf("own JSON rejected: %v", err)
			}
		}
	})
}

func FuzzResult(f *testing.F) {
	_, ts, c := sampleCeremony(f)
	res, _ := finishAll(f, c, ts)
	j, _ := res.MarshalJSON()
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Result
		if err := r.UnmarshalJSON(data); err == nil {
			j, err := r.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := new(Result).UnmarshalJSON(j); err != nil {
				t.Fatalf("own JSON rejected: %v", err)
			}
		}
	})
}

// FuzzSealedPlaintexts fuzzes the decoders of the sealed states' contents
// (an attacker cannot reach them without the passphrase, but a bug or a
// damaged disk can).
func FuzzSealedPlaintexts(f *testing.F) {
	_, ts, c := sampleCeremony(f)
	st, _ := ts[0].encode()
	f.Add(st)
	_, ks, _ := ts[0].Finish(c)
	f.Add(ks.encode())
	f.Add(ts[0].id.encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		if tr, err := decodeTrustee(data); err == nil {
			if _, err := tr.encode(); err != nil {
				t.Fatal(err)
			}
		}
		if k, err := decodeKeyShare(data); err == nil && !bytes.Equal(k.encode(), data) {
			t.Fatal("non-canonical key share accepted")
		}
		if id, err := decodeIdentity(data); err == nil {
			if _, err := decodeIdentity(id.encode()); err != nil {
				t.Fatal(err)
			}
		}
	})
}
