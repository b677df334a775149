package proof

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"testing"

	"github.com/sandogh/sandogh/group"
)

func testNonces(t testing.TB, fill byte) *Nonces {
	n, err := NewNonces(bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// refDerive is the nonce derivation written from the specification.
func refDerive(domain string, seed []byte, label string, index uint64) [64]byte {
	in := binary.BigEndian.AppendUint16(nil, uint16(len(domain)))
	in = append(in, domain...)
	in = append(in, seed...)
	in = binary.BigEndian.AppendUint16(in, uint16(len(label)))
	in = append(in, label...)
	in = binary.BigEndian.AppendUint64(in, index)
	return sha512.Sum512(in)
}

func TestNoncesMatchSpec(t *testing.T) {
	seed := bytes.Repeat([]byte{0x42}, 32)
	n, _ := NewNonces(seed)
	for _, label := range []string{"", "encryption", "a longer label that spans more of the block"} {
		for _, idx := range []uint64{0, 1, 1 << 40} {
			d := refDerive("sandogh-v1 nonce scalar", seed, label, idx)
			want, _ := group.NewScalar().SetUniformBytes(d[:])
			if n.Scalar(label, idx).Equal(want) != 1 {
				t.Errorf("Scalar(%q, %d) differs from the specification", label, idx)
			}
			c := refDerive("sandogh-v1 nonce child", seed, label, idx)
			if !bytes.Equal(n.Child(label, idx).Seed(), c[:32]) {
				t.Errorf("Child(%q, %d) differs from the specification", label, idx)
			}
		}
	}
	tr := NewTranscript("test", nil)
	var d [64]byte
	tr.digest(&d)
	in := binary.BigEndian.AppendUint16(nil, 21)
	in = append(in, "sandogh-v1 nonce bind"...)
	in = append(in, seed...)
	in = append(in, d[:]...)
	want := sha512.Sum512(in)
	if !bytes.Equal(n.Bind(tr).Seed(), want[:32]) {
		t.Error("bind differs from the specification")
	}
}

func TestNoncesDistinct(t *testing.T) {
	n := testNonces(t, 1)
	seen := map[string]string{}
	add := func(what string, b []byte) {
		if prev, ok := seen[string(b)]; ok {
			t.Errorf("%s equals %s", what, prev)
		}
		seen[string(b)] = what
	}
	add("seed", n.Seed())
	for _, label := range []string{"a", "b", "ab"} {
		for i := range uint64(3) {
			add("scalar "+label+string(rune('0'+i)), n.Scalar(label, i).Bytes())
			add("child "+label+string(rune('0'+i)), n.Child(label, i).Seed())
		}
	}
	add("other seed scalar", testNonces(t, 2).Scalar("a", 0).Bytes())
	add("bind 1", n.Bind(NewTranscript("x", nil)).Seed())
	add("bind 2", n.Bind(NewTranscript("y", nil)).Seed())
}

func TestNewNoncesLength(t *testing.T) {
	for _, l := range []int{0, 31, 33, 64} {
		if _, err := NewNonces(make([]byte, l)); err == nil {
			t.Errorf("NewNonces accepted a %d-byte seed", l)
		}
	}
	seed := make([]byte, 32)
	n, err := NewNonces(seed)
	if err != nil {
		t.Fatal(err)
	}
	seed[0] = 1 // the seed is copied
	if n.Seed()[0] != 0 {
		t.Fatal("NewNonces did not copy the seed")
	}
	if bytes.Equal(RandomNonces().Seed(), RandomNonces().Seed()) {
		t.Fatal("two random seeds are equal")
	}
}
