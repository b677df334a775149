package station_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// FuzzStationLog: a station's log with any content opens as a station or
// fails with an error; it never panics, and what opens continues its
// chain.
func FuzzStationLog(f *testing.F) {
	e, err := fieldtest.New(1)
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	st, err := station.Open(dir, e.E, "station-1", e.Keys["station-1"], day)
	if err != nil {
		f.Fatal(err)
	}
	p, _ := st.Encrypt(map[string]map[uint32]uint64{"board": {101: 1}})
	st.Cast(p)
	st.Close()
	good, _ := os.ReadFile(filepath.Join(dir, "station.jsonl"))
	f.Add(good)
	f.Add(append(bytes.Clone(good), []byte(`{"ack":{"sequence":1,"code":"00","refusedCast":0,"refusedChallenged":0}}`+"\n")...))
	f.Add([]byte(`{"station":{"version":1,"device":"station-1","baseHash":"00"}}` + "\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, log []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "station.jsonl"), log, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := station.Open(dir, e.E, "station-1", e.Keys["station-1"], day)
		if err != nil {
			return
		}
		defer st.Close()
		seq, _ := st.Tip()
		p, err := st.Encrypt(map[string]map[uint32]uint64{"board": {102: 1}})
		if err != nil {
			return // closed, or a ballot pending
		}
		if p.Header().Sequence != seq+1 {
			t.Fatalf("the next ballot is %d after tip %d", p.Header().Sequence, seq)
		}
	})
}
