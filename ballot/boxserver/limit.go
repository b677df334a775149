package boxserver

import (
	"sync"
	"time"
)

// A refusalLimit counts each device's refused ballots over the last
// minute, so that a device (a stolen key, a broken station) cannot fill
// the box with refused lines, each of which the record keeps: past the
// limit, the device's submissions are answered 429 until a minute has
// passed. Honest stations have no refused ballots in normal operation.
type refusalLimit struct {
	max int // per minute; 0 for no limit

	mu      sync.Mutex
	devices map[string][]time.Time // the times of the recent refusals, oldest first
}

// DefaultMaxRefusedPerMinute is Config.MaxRefusedPerMinute's default.
const DefaultMaxRefusedPerMinute = 60

func newRefusalLimit(max int) *refusalLimit {
	if max == 0 {
		max = DefaultMaxRefusedPerMinute
	}
	if max < 0 {
		max = 0
	}
	return &refusalLimit{max: max, devices: make(map[string][]time.Time)}
}

// recent drops the refusals older than a minute and returns those left.
// l.mu is held.
func (l *refusalLimit) recent(device string, now time.Time) []time.Time {
	ts := l.devices[device]
	k := 0
	for k < len(ts) && now.Sub(ts[k]) >= time.Minute {
		k++
	}
	ts = ts[k:]
	if len(ts) == 0 {
		delete(l.devices, device)
		return nil
	}
	l.devices[device] = ts
	return ts
}

// allow reports whether device may submit now, and if not, how long until
// it may.
func (l *refusalLimit) allow(device string, now time.Time) (bool, time.Duration) {
	if l.max == 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(device, now)
	if len(ts) < l.max {
		return true, 0
	}
	return false, time.Minute - now.Sub(ts[len(ts)-l.max])
}

// note records n refusals of device at now.
func (l *refusalLimit) note(device string, n int, now time.Time) {
	if l.max == 0 || n == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(device, now)
	for range n {
		ts = append(ts, now)
	}
	l.devices[device] = ts
}
