package site

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestOutputBoundsQueuedRows checks that the pages queued for rendering
// hold at most queueRows comparison rows between them: a page that would
// take them past it waits until a page before it is written, a page with
// more rows than that is queued alone, and a failure wakes a page that
// waits.
func TestOutputBoundsQueuedRows(t *testing.T) {
	t.Parallel()
	o := newOutput(context.Background(), t.TempDir(), 2)
	o.queueRows = 10
	gate := func() (chan struct{}, func(*renderer) error) {
		c := make(chan struct{})
		return c, func(*renderer) error { <-c; return nil }
	}
	// queued calls doRows in the background and reports when it returned.
	queued := func(rows int, run func(*renderer) error) chan error {
		done := make(chan error, 1)
		go func() { done <- o.doRows(rows, run) }()
		return done
	}
	waiting := func(done chan error, what string) {
		t.Helper()
		select {
		case err := <-done:
			t.Fatalf("%s was queued at once (%v); it should wait", what, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	returned := func(done chan error, what string) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s still waits", what)
			return nil
		}
	}

	openA, a := gate()
	openB, b := gate()
	if err := returned(queued(6, a), "a page of 6 rows"); err != nil {
		t.Fatal(err)
	}
	if err := returned(queued(4, b), "a page of 4 rows, 10 in all"); err != nil {
		t.Fatal(err)
	}
	// Pages without rows (the home page, the lists) never wait.
	if err := returned(queued(0, func(*renderer) error { return nil }), "a page without rows"); err != nil {
		t.Fatal(err)
	}
	openC, c := gate()
	cDone := queued(1, c)
	waiting(cDone, "a page of 1 row past 10")
	close(openA)
	if err := returned(cDone, "a page of 1 row once 6 were written"); err != nil {
		t.Fatal(err)
	}
	// 5 held (b's 4 and c's 1): a page of 25 waits for both, then goes alone.
	openD, d := gate()
	dDone := queued(25, d)
	waiting(dDone, "a page of 25 rows beside 5")
	close(openB)
	waiting(dDone, "a page of 25 rows beside 1")
	close(openC)
	if err := returned(dDone, "a page of 25 rows alone"); err != nil {
		t.Fatal(err)
	}
	// A failure wakes the page waiting behind the 25 rows.
	eDone := queued(1, func(*renderer) error { return nil })
	waiting(eDone, "a page of 1 row beside 25")
	failure := errors.New("disk full")
	o.fail(failure)
	if err := returned(eDone, "a page waiting when a page failed"); !errors.Is(err, failure) {
		t.Fatalf("a page waiting when another failed: got %v, want %v", err, failure)
	}
	close(openD)
	if _, err := o.finish(); !errors.Is(err, failure) {
		t.Fatalf("finish: got %v, want %v", err, failure)
	}
	if o.held != 0 {
		t.Errorf("%d rows still counted as held after every page ended", o.held)
	}
}

// TestOutputCancelledWhileWaiting checks that a page waiting for rows
// learns at once that the build was cancelled, and that the pages skipped
// after it give back their rows.
func TestOutputCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := newOutput(ctx, t.TempDir(), 2)
	o.queueRows = 10
	open := make(chan struct{})
	blocked := func(*renderer) error { <-open; return nil }
	// Both workers busy with 3 rows each, and a page of 3 queued behind them.
	for range 2 {
		if err := o.doRows(3, blocked); err != nil {
			t.Fatal(err)
		}
	}
	ran := make(chan struct{}, 1)
	if err := o.doRows(3, func(*renderer) error { ran <- struct{}{}; return nil }); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	go func() { waiting <- o.doRows(5, func(*renderer) error { return nil }) }()
	select {
	case err := <-waiting:
		t.Fatalf("a page of 5 rows beside 9 was queued at once (%v); it should wait", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-waiting:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the waiting page: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting page still waits after the build was cancelled")
	}
	close(open)
	if _, err := o.finish(); !errors.Is(err, context.Canceled) {
		t.Errorf("finish: %v, want context.Canceled", err)
	}
	select {
	case <-ran:
		t.Error("a page queued before the cancel was rendered after it")
	default:
	}
	if o.held != 0 {
		t.Errorf("%d rows still counted as held: the skipped page did not give back its rows", o.held)
	}
}
