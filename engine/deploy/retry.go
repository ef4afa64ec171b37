package deploy

import (
	"context"
	"time"
)

// Backoff bounds for retrying errors the SDK does not retry (IAM propagation,
// updates in progress).
var (
	backoffStart = time.Second
	backoffMax   = 8 * time.Second
)

// retryFor calls fn until it succeeds, fails with an error retryable rejects, or
// the next wait would end after limit has passed or ctx is done.
func retryFor(ctx context.Context, limit time.Duration, retryable func(error) bool, fn func() error) error {
	deadline := time.Now().Add(limit)
	delay := backoffStart
	for {
		err := fn()
		if err == nil || !retryable(err) || time.Now().Add(delay).After(deadline) {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		delay = min(2*delay, backoffMax)
	}
}
