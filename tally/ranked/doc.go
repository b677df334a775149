// Package ranked counts ranked ballots: single transferable vote by the
// Scottish rules, instant-runoff voting for one seat, and the Schulze
// method. Each count is a pure function of the published plaintext
// rankings (the rows that a mixnet decrypts), computed in exact integer
// arithmetic, so that two verifiers get the same result bit for bit, and
// each publishes every round.
//
// A row is a Ranking: candidate indices 0..n-1, most preferred first, no
// candidate twice, at most the contest's MaxRanks. ValidateRanking says why
// a row is not one ("empty ranking", "too many ranks", "unknown
// candidate", "repeated candidate"; "gap in ranks" for rows of fixed width,
// RankingFromSlots). Rows that are not valid rankings are counted as
// invalid and take no further part.
//
// The methods and their rule texts:
//
//   - CountSTV: single transferable vote by The Scottish Local Government
//     Elections Order 2007 (SSI 2007/42), Schedule 1, Part III, rules 45
//     (first stage), 46 (the quota: valid papers divided by seats plus one,
//     decimals ignored, plus one), 47 (election on reaching the quota), 48
//     (transfer of a surplus: every paper of the candidate goes on at the
//     transfer value surplus × its value ÷ the candidate's votes,
//     "calculated to five decimal places (any remainder being ignored)"),
//     49 (the highest surplus first; equal surpluses by the most recent
//     preceding stage at which the votes differed, then lot), 50 and 51
//     (exclusion of the candidate with the fewest votes, ties likewise) and
//     52 (filling of the last vacancies, with no further transfer). Votes
//     are Values, integers in units of 10^-5.
//   - CountMeek: single transferable vote by Meek's method (Hill,
//     Wichmann, Woodall, "Algorithm 123: Single Transferable Vote by Meek's
//     method", The Computer Journal 30(3), 1987) as the PR Foundation's
//     Meek STV Reference Rule states it: keep factors, a quota recomputed
//     from the votes at every iteration, omega 10^-6, and fixed-point
//     arithmetic to nine decimal places with the rounding directions of
//     the New Zealand STV calculation rules (Local Electoral Act 2001,
//     Schedule 1A): a candidate's share of a paper and the new keep
//     factors rounded up, the quota truncated. Votes are Meeks, integers
//     in units of 10^-9.
//   - CountIRV: instant-runoff for one seat: a majority of the continuing
//     votes wins; otherwise the fewest votes are excluded, ties as in rule 51.
//   - Schulze: Markus Schulze, "A new monotonic, clone-independent, reversal
//     symmetric, and Condorcet-consistent single-winner election method",
//     Social Choice and Welfare 36 (2011) 267-303, with the strength of a
//     link by winning votes: the pairwise matrix d, the strongest paths p
//     and the order they define.
//
// Where the rules leave a tie to lot, the count draws it with a Lot: the
// manifest's public tie-break seed, fixed before voting, hashed with the
// base hash, the contest and the candidate. Without one the count stops at
// the tie and reports it (Count.Unresolved); Schulze reports a tied order
// in its tiers.
//
// A Count (and a MeekCount, a SchulzeResult) has a canonical JSON form,
// decoded strictly (UnmarshalJSON, with internal/wire's StrictJSON).
// Check, CheckMeek and CheckSchulze are the verifier's checks: they
// recount the rows and name the first stage (or round) and field where a
// published result differs.
//
// The rules, the arithmetic and the JSON form are specified in
// docs/ranked.md, precisely enough to re-implement them. The tests count
// the 21 wards of the Glasgow City Council election of 2007 (full
// preference data) and compare every stage with the reference counts of
// Droop, an independent implementation of the same rules; five elections
// counted by Meek's method, round by round against Droop's counts under
// the PR Foundation rule; Schulze's 45-voter example with its published d
// and p; and the Tennessee example of instant-runoff.
//
// This package does not decode mixed rows into rankings, hold ballot
// kinds, prove anything, or write the election record: it counts.
package ranked
