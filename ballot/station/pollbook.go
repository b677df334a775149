package station

import (
	"context"
	"fmt"

	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/pollbook"
)

// marksBatch is the most marks SyncMarks sends in one submission.
const marksBatch = 512

// AttachPollBook has Run send the marks of b, the station's poll book, to
// the central book after the ballots of each Sync. The poll book keeps its
// own file, apart from the ballots: nothing links a mark to a ballot.
func (s *Station) AttachPollBook(b *pollbook.Book) {
	s.mu.Lock()
	s.book = b
	s.mu.Unlock()
}

// SyncMarks sends the central book the marks of b it does not have yet: it
// asks for the station's tip of marks and sends those after it, in order.
// It returns the number sent and the incidents the central book reported.
func SyncMarks(ctx context.Context, b *pollbook.Book, c *boxserver.Client) (sent, incidents int, err error) {
	tip, err := c.MarksTip(ctx)
	if err != nil {
		return 0, 0, err
	}
	if tip > b.Sequence() {
		return 0, 0, &ChainError{tip, fmt.Sprintf("the central book holds %d marks of this station, its poll book %d", tip, b.Sequence())}
	}
	for {
		marks := b.Marks(tip)
		if len(marks) == 0 {
			return sent, incidents, nil
		}
		marks = marks[:min(len(marks), marksBatch)]
		a, err := c.SubmitMarks(ctx, marks)
		if err != nil {
			return sent, incidents, err
		}
		sent += len(marks)
		incidents += a.Incidents
		if a.Tip <= tip {
			return sent, incidents, fmt.Errorf("station: the central book's tip of marks stays at %d", a.Tip)
		}
		tip = a.Tip
	}
}
