// Package tally counts an election: it adds the encrypted ballots that count
// homomorphically, has the trustees decrypt only the totals, recovers each
// count by a bounded discrete logarithm, and turns the counts into ordered
// results with main members, alternates and ties.
//
// The steps, each with a value that goes into the election record:
//
//  1. Aggregator (or Aggregate) adds the ciphertexts of the counted ballots,
//     selection by selection, into an EncryptedTally. It holds one
//     ciphertext per selection, never the ballots, so ballots can be
//     streamed; per-goroutine aggregators are combined with Merge, and a
//     ballot that a later revote replaces is taken out again with Remove.
//  2. Each trustee computes its decryption shares of the tally's
//     Ciphertexts. It does so with package election
//     (VerifyForDecryption, VerifiedRecord.TallyShares), which first
//     verifies the record and recomputes the tally from its ballots: a
//     trustee decrypts nothing else, so that a coordinator cannot have it
//     decrypt one ballot.
//  3. Decrypt verifies the share lists, combines any t of them
//     (trustee.Combine) and solves each total with elgamal.DLogTable,
//     bounded by the number of ballots times the selection's largest value:
//     the result is the Totals.
//  4. NewResults orders each contest's candidates by count and, for board
//     contests, marks the main members and alternates; a tie that decides
//     a seat is reported as a Tie, and broken only by the public tie-break
//     seed of the manifest (ballot.Manifest.TieBreakSeed), fixed before
//     voting. CheckResults is the verifier's check that published Results
//     follow from decrypted Totals.
//
// The record holds the Results in their JSON form. For people,
// Results.WriteText (or ContestResult.WriteText, for one contest) writes
// them as text: each contest's candidates in the order of the standings,
// under the headings main members, alternates, each tie that decides a
// seat (at its place in that order, saying whether the tie-break seed
// broke it) and not elected, names (right-to-left ones included) as they
// are, and the invalid rows of a CodeList contest; WriteTextOptions writes
// the same text for readers of Persian (TextOptions: Persian digits,
// right-to-left names right-aligned). The package Example
// runs the steps above for a small board election, from the key ceremony
// to the printed results; ExampleResults_WriteText shows a tie for the
// last main seat.
//
// In a weighted election (ballot.Manifest.MaxWeight ≥ 1, each credential
// with a public weight on the list), the Aggregator also adds each ballot's
// ciphertexts times its credential's weight, in batches of multi-scalar
// multiplications, and the total weight; the trustees decrypt both the
// unweighted and the weighted sums; Decrypt bounds the weighted totals by
// the total weight; and the Results order the candidates by their weighted
// counts and show the unweighted ones too (docs/spec.md, "Weighted tally").
// In a weighted election's CodeList contests each row entering the mix
// cascade ends with a weight column, the credential's weight encrypted with
// public randomness (WeightColumns); NewWeightedRowDecoder's decoder reads
// it back with the codes, and CountRows counts each valid row with its
// weight (docs/spec.md, "Weighted rows").
//
// A ProportionalList contest (kind "list") is added and decrypted per
// selection like the other kinds; ListInput turns its totals into the lists'
// votes and the candidates' preference votes, AllocateList allocates its
// seats with package tally/apportion, and its results rank each list's
// candidates by that allocation.
//
// A CodeList contest (ballot.CodeList, kind "codes": "write up to N candidate
// codes from a list of M") is not added: its rows go through the mixnet
// instead. The encrypted tally has no selections for it, and after the
// contest's mix cascade (package mixnet, which shuffles the rows of the
// counted ballots, in the order they were counted):
//
//  1. each trustee computes its decryption shares of the final rows (the
//     ciphertexts in RowCiphertexts order) with package election
//     (VerifiedRecord.RowShares), which first verifies that the cascade
//     is complete;
//  2. DecryptRows verifies the share lists, combines any t of them and
//     decodes every row with a RowDecoder: the candidate codes it holds,
//     and whether it is a valid ballot (InvalidReason says why not);
//  3. CountRows counts the valid rows per candidate, and the invalid ones,
//     into the contest's entry of the Totals, from which NewResults
//     allocates seats as for boards.
//
// A Ranked contest (ballot.Ranked) goes through the same steps 1 and 2,
// its rows decoded without the ascending rule (their order is the voter's
// ranking); then CountRanked turns the rows into rankings (Rankings) and
// counts them by the manifest's method with package tally/ranked, giving
// the RankedCount that the record publishes stage by stage and the
// contest's totals (first preferences, invalid rows and the Order of the
// outcome), from which NewResults takes the standings as the count
// ordered them. CheckRankedCount is the verifier's recount.
//
// Which ballots count is decided before this package: only cast ballots
// (Aggregator.Add refuses challenged ones, and a pending one is a
// ballot.Pending, which it does not take), each once, and under the
// ballot.LastBallotCounts policy only the last ballot of a credential.
// The ballot box applies these rules as it accepts ballots (ballot.Box.Counted).
// The election record holds no list of counted ballots: a verifier derives
// the set itself from the ballot box's file by the same rules, leaving out
// every ballot that fails a check, compares the sum of that set with the
// published encrypted tally (package election, check 11), and decrypts its
// own sum, never the published one, so that no count a forger wrote bounds
// a discrete logarithm (checks 12 and 13). The
// Aggregator does not check the ballots' proofs, signatures or uniqueness,
// which would need all ballots at once.
//
// The byte-level specification is docs/spec.md, section "Tally":
// the canonical encoding and hash of the
// encrypted tally, the order of the ciphertexts that trustees decrypt, the
// discrete-logarithm bounds, the ordering and seat rules, the tie-break
// hash, the decoding and counting of mixed rows, and the JSON forms.
// Known-answer vectors for the tie-break order are in testdata/tiebreak.json,
// and for the decoding of rows in testdata/codes-rows.json.
//
// Everything this package handles is public once the tally is decrypted:
// the aggregate ciphertexts, the shares and the totals. Functions that solve
// discrete logarithms or sort counts take public data only.
//
// This package does not shuffle (package mixnet does, and checks the
// cascade) nor decide what a result means in law (quorums, majorities, whether a candidate with no votes may
// take a seat): it reports counts, positions and ties.
package tally
