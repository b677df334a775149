package election

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// mixFiles lists the files of CodeList or Ranked contest i's folder mixnet/<i>: the
// stage indices and trustee indices of its stage and share files,
// ascending, and whether decrypted.jsonl is there. A folder that does not
// exist has no files. Any other file is check 15's (the record's layout).
type mixFiles struct {
	stages, shares []int
	decrypted      bool
}

func (r *Reader) mixFiles(i int) (*mixFiles, error) {
	out := new(mixFiles)
	dir := mixDir(i)
	ents, err := regular.ReadDir(r.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fileErr(dir, err)
	}
	for _, d := range ents {
		name := dir + "/" + d.Name()
		switch {
		case isTemp(name):
		case d.Name() == mixDecryptedFile && d.Type().IsRegular():
			out.decrypted = true
		case d.IsDir() && (d.Name() == mixStagesDir || d.Name() == mixSharesDir):
			sub, err := regular.ReadDir(r.path(name))
			if err != nil {
				return nil, fileErr(name, err)
			}
			for _, e := range sub {
				file := name + "/" + e.Name()
				n, ok := parseIndexedFile(file, name, mixStageExt)
				switch {
				case isTemp(file), !ok || !e.Type().IsRegular():
				case d.Name() == mixStagesDir:
					out.stages = append(out.stages, n)
				default:
					out.shares = append(out.shares, n)
				}
			}
		}
	}
	slices.Sort(out.stages)
	slices.Sort(out.shares)
	return out, nil
}

// readStage decodes the stage file name as it streams it, and returns the
// stage and the file's SHA-256. The file must hold one stage and nothing
// else. A stage is decoded as it is read (mixnet.ReadStage), so that memory
// follows the data, not what its header claims.
func (r *Reader) readStage(name string) (*mixnet.Stage, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := r.open(name)
	if err != nil {
		return nil, sum, fileErr(name, err)
	}
	defer f.Close()
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(f, h), 1<<20)
	s, err := mixnet.ReadStage(br)
	if err == nil {
		if _, perr := br.Peek(1); perr == nil {
			err = errors.New("data after the stage")
		} else if perr != io.EOF {
			err = perr
		}
	}
	// Hash the rest of the file, so that the index check needs no second
	// pass even when the stage does not decode.
	if _, cerr := io.Copy(io.Discard, br); cerr != nil {
		return nil, sum, fileErr(name, cerr)
	}
	h.Sum(sum[:0])
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, sum, fileErr(name, err)
		}
		return nil, sum, fmt.Errorf("election: %s: %v", name, err)
	}
	return s, sum, nil
}

// MixStage decodes stage t of the mix cascade of CodeList or Ranked contest i
// (mixnet/<i>/stages/<t>.bin). It checks the encoding only; the cascade's
// checks are Verify's (mixnet.Cascade).
func (r *Reader) MixStage(i, t int) (*mixnet.Stage, error) {
	s, _, err := r.readStage(mixStageFile(i, t))
	return s, err
}

// rowShareList decodes trustee j's shares of the final rows of contest i.
func (r *Reader) rowShareList(i, j int) (*trustee.ShareList, error) {
	name := mixShareFile(i, j)
	data, err := r.readFile(name)
	if err != nil {
		return nil, fileErr(name, err)
	}
	l, err := new(trustee.ShareList).SetCanonicalBytes(data)
	if err != nil {
		return nil, fileErr(name, err)
	}
	if l.Trustee() != j {
		return nil, fmt.Errorf("election: %s: the list is trustee %d's, not trustee %d's", name, l.Trustee(), j)
	}
	return l, nil
}

// RowShareLists decodes the trustees' decryption share lists of the final
// rows of CodeList or Ranked contest i (mixnet/<i>/shares/<j>.bin), ascending by
// trustee. Each file must hold the list of the trustee it is named after.
func (r *Reader) RowShareLists(i int) ([]*trustee.ShareList, error) {
	mf, err := r.mixFiles(i)
	if err != nil {
		return nil, err
	}
	var out []*trustee.ShareList
	for _, j := range mf.shares {
		l, err := r.rowShareList(i, j)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// DecodedRows decodes the published decoded rows of CodeList or Ranked contest i
// (mixnet/<i>/decrypted.jsonl), in order. It checks their encoding, not
// that they are the decryption of the cascade's output (Verify does).
func (r *Reader) DecodedRows(i int) ([]tally.DecodedRow, error) {
	name := mixDecryptedPath(i)
	f, err := r.open(name)
	if err != nil {
		return nil, fileErr(name, err)
	}
	defer f.Close()
	lr := newLineReader(f)
	var out []tally.DecodedRow
	for {
		l, err := lr.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fileErr(name, err)
		}
		if l.err != nil {
			return nil, fmt.Errorf("election: %s: line %d: %v", name, l.num, l.err)
		}
		var d tally.DecodedRow
		if err := d.UnmarshalJSON(l.data); err != nil {
			return nil, fmt.Errorf("election: %s: line %d: %v", name, l.num, err)
		}
		out = append(out, d)
	}
}
