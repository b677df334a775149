package election

// Update is the -update flag, for the tests of package election_test.
var Update = update
