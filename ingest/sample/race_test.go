//go:build race

package sample

// raceEnabled reports that tests run with the race detector, which makes
// reading every council's returns too slow to do on every run.
const raceEnabled = true
