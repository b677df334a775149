package boxserver

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/sums"
)

const (
	fileBallots = "ballots.jsonl"
	maxIndex    = 1 << 20
)

// public is the read-only side of the server: the files of the record
// being written, and the box's file as it grows, with an index of both.
type public struct {
	dir     string
	boxFile string
	box     *ballot.Box

	mu   sync.Mutex
	n    int64     // bytes of the box file hashed: whole lines only
	h    hash.Hash // SHA-256 of those bytes
	tail []byte    // bytes read after the last newline, not hashed yet
	at   int64     // bytes of the box file read
}

func newPublic(dir, boxFile string, box *ballot.Box) *public {
	if boxFile == "" {
		boxFile = filepath.Join(dir, fileBallots)
	}
	return &public{dir: dir, boxFile: boxFile, box: box, h: sha256.New()}
}

// boxPrefix reads what the box has appended since the last call, and
// returns the length of the file's prefix of whole lines and its SHA-256.
// A line is published once the box has written it whole; it is
// acknowledged to its station once synced, so the published prefix may
// be ahead of the durable one by the batch being synced.
func (p *public) boxPrefix() (int64, [sha256.Size]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := regular.Open(p.boxFile)
	if err != nil {
		return 0, [32]byte{}, err
	}
	defer f.Close()
	if _, err := f.Seek(p.at, io.SeekStart); err != nil {
		return 0, [32]byte{}, err
	}
	buf := make([]byte, 1<<16)
	for {
		k, err := f.Read(buf)
		p.at += int64(k)
		data := buf[:k]
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			p.h.Write(p.tail)
			p.h.Write(data[:i+1])
			p.n += int64(len(p.tail) + i + 1)
			p.tail = append(p.tail[:0], data[i+1:]...)
		} else {
			p.tail = append(p.tail, data...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, [32]byte{}, err
		}
	}
	var sum [sha256.Size]byte
	p.h.Sum(sum[:0])
	return p.n, sum, nil
}

// index returns the record's SHA256SUMS as it stands: the files the
// record's writer lists, and ballots.jsonl as published now (its length n).
func (p *public) index() (sums.Index, int64, error) {
	data, err := regular.ReadFile(filepath.Join(p.dir, sums.FileName), maxIndex)
	if err != nil {
		return nil, 0, err
	}
	files, err := sums.Parse(data, maxIndex)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v", sums.FileName, err)
	}
	n, sum, err := p.boxPrefix()
	if err != nil {
		return nil, 0, err
	}
	files[fileBallots] = sum
	return files, n, nil
}

// serve answers GET /record/NAME: a file of the index, ballots.jsonl as
// published now (byte ranges allowed, so observers can follow it), or
// the index itself.
func (p *public) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/record/")
	files, n, err := p.index()
	if err != nil {
		httpError(w, http.StatusServiceUnavailable, "boxserver: the record's index: "+err.Error())
		return
	}
	if name == sums.FileName {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(files.Bytes())
		return
	}
	if _, ok := files[name]; !ok {
		httpError(w, http.StatusNotFound, fmt.Sprintf("boxserver: %q is not a file of the record's index", name))
		return
	}
	path := filepath.Join(p.dir, filepath.FromSlash(name))
	if name == fileBallots {
		path = p.boxFile
	}
	f, err := regular.Open(path)
	if err != nil {
		httpError(w, http.StatusServiceUnavailable, "boxserver: "+err.Error())
		return
	}
	defer f.Close()
	size := n
	if name != fileBallots {
		fi, err := f.Stat()
		if err != nil {
			httpError(w, http.StatusServiceUnavailable, "boxserver: "+err.Error())
			return
		}
		size = fi.Size()
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	ctype := "application/octet-stream"
	switch filepath.Ext(name) {
	case ".json":
		ctype = "application/json"
	case ".jsonl":
		ctype = "application/jsonl"
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, name, time.Time{}, io.NewSectionReader(f, 0, size))
}
