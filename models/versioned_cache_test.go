package models

import (
	"context"
	"sync/atomic"
	"testing"
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
	c, f := newVersionedCache[int64](), &fakeVersions{}
	c.recheck = 0 // compare versions on every read
	f.version.Store(1)
	if v, err := c.get(context.Background(), f.read, f.load); err != nil || *v != 1 {
		t.Fatalf("first read %v %v", v, err)
	}
	return c, f
}

func TestVersionedCacheRefresh(t *testing.T) {
	ctx := context.Background()
	empty, f := newVersionedCache[int64](), &fakeVersions{}
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
