// Package station is a polling-station device in the field: it encrypts
// and signs ballots as ballot.Device does, keeps its chain and every
// ballot in a durable log of its own, works while the network is down,
// and sends its outbox to the ballot box (package ballot/boxserver) when
// the link comes back, with exponential backoff and jitter. A station
// restarted mid-day resumes its chain from its log; a ballot left pending
// by the restart is challenged, so the chain has no gap. docs/spec.md
// §Ballots, "The station", gives its files.
//
//	st, err := station.Open(dir, e, "station-1", key, time.Now())
//	go st.Run(ctx, client, station.DefaultBackoff, nil)
//	p, err := st.Encrypt(vote)    // show p.ConfirmationCode().Short()
//	b, err := st.Cast(p)          // durable: tell the voter her ballot is cast
//
// It does not check voters' eligibility, and it holds the device's
// signing key and, while a voter decides, her choices: its storage is as
// sensitive as the key.
package station
