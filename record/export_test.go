package record

// Update is the -update flag, for the tests of package record_test.
var Update = update
