package models

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// fakeVersions is a database version and a load that counts.
type fakeVersions struct {
	version atomic.Int64
	loads   atomic.Int64
}

func (f *fakeVersions) read(context.Context) (int64, error) { return f.version.Load(), nil }

func (f *fakeVersions) load(context.Context) (*int64, int64, error) {
	v := f.version.Load()
	f.loads.Add(1)
	return &v, v, nil
}

func newFakeCache(t *testing.T) (*versionedCache[int64], *fakeVersions) {
	t.Helper()
	c, f := newVersionedCache[int64](0), &fakeVersions{} // compare versions on every read
	f.version.Store(1)
	if v, err := c.get(context.Background(), f.read, f.load); err != nil || *v != 1 {
		t.Fatalf("first read %v %v", v, err)
	}
	return c, f
}

func TestVersionedCacheRefresh(t *testing.T) {
	ctx := context.Background()
	empty, f := newVersionedCache[int64](0), &fakeVersions{}
	f.version.Store(3)
	if err := empty.refresh(ctx, f.read, f.load); err != nil || f.loads.Load() != 0 {
		t.Fatalf("refresh before any read loaded %d times (%v)", f.loads.Load(), err)
	}
	c, f := newFakeCache(t)
	f.version.Store(2)
	if err := c.refresh(ctx, f.read, f.load); err != nil {
		t.Fatal(err)
	}
	if err := c.refresh(ctx, f.read, f.load); err != nil { // nothing newer: no load
		t.Fatal(err)
	}
	if v, _ := c.get(ctx, f.read, f.load); *v != 2 {
		t.Errorf("after refresh: %d", *v)
	}
	if n := f.loads.Load(); n != 2 {
		t.Errorf("%d loads, want 2", n)
	}
}

// While a background refresh loads, the reader that re-checks the version
// keeps the snapshot it has instead of waiting; after this process's own
// write, a reader waits for the new data.
func TestVersionedCacheReadersDuringARefresh(t *testing.T) {
	ctx := context.Background()
	c, f := newFakeCache(t)
	f.version.Store(2) // a background writer committed version 2
	release, started := make(chan struct{}), make(chan struct{})
	held := func(ctx context.Context) (*int64, int64, error) {
		close(started)
		<-release
		return f.load(ctx)
	}
	refreshed := make(chan error, 1)
	go func() { refreshed <- c.refresh(ctx, f.read, held) }()
	<-started

	got := make(chan int64, 1)
	go func() {
		v, _ := c.get(ctx, f.read, f.load)
		got <- *v
	}()
	select {
	case v := <-got:
		if v != 1 {
			t.Errorf("during the refresh a reader got %d, want the last snapshot 1", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a reader waited for a background refresh")
	}

	c.wrote() // this process wrote (version 2 stands for it too)
	waiting := make(chan int64, 1)
	go func() {
		v, _ := c.get(ctx, f.read, f.load)
		waiting <- *v
	}()
	select {
	case v := <-waiting:
		t.Fatalf("after its own write a reader got %d before the load ended", v)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-refreshed; err != nil {
		t.Fatal(err)
	}
	if v := <-waiting; v != 2 {
		t.Errorf("the waiting reader got %d, want 2", v)
	}
}
