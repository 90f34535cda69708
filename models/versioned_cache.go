package models

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A versioned cache holds an in-memory read model of some tables (the
// catalog of domains and products, the open findings) and stays correct
// across replicas: every write transaction that changes those tables bumps a
// one-row counter in catalog_versions, and reads compare that counter with
// the snapshot's version and reload when they differ. The comparison runs
// at most once per recheck interval (Options.CatalogRecheck, 250 ms by default), so under load the
// version query does not run for every page; a write in this process makes
// the next read check at once, so people see their own changes immediately,
// and other replicas' within the interval.

// Rows of catalog_versions.
const (
	catalogVersionRow  = 1
	findingsVersionRow = 2
)

type versionedCache[T any] struct {
	snapshot atomic.Pointer[versioned[T]]
	loading  sync.Mutex
	recheck  time.Duration
	epoch    time.Time // checks are timed as durations since, monotonic
	// writes counts this process's committed writes; a check only vouches
	// for the snapshot while no write came after it began.
	writes   atomic.Int64
	checked  atomic.Pointer[cacheCheck]
	checking atomic.Bool
}

type versioned[T any] struct {
	version int64
	value   *T
}

type cacheCheck struct {
	at     time.Duration
	writes int64
}

func newVersionedCache[T any](recheck time.Duration) *versionedCache[T] {
	return &versionedCache[T]{recheck: recheck, epoch: time.Now()}
}

// wrote makes this process's next read compare versions at once.
func (c *versionedCache[T]) wrote() { c.writes.Add(1) }

// get returns a snapshot at least as new as the database's version.
// readVersion reads the counter; load reads the counter first and then the
// data, so a snapshot is never older than its version says (a write in
// between only causes one more reload later).
func (c *versionedCache[T]) get(ctx context.Context, readVersion func(context.Context) (int64, error),
	load func(context.Context) (*T, int64, error)) (*T, error) {
	now, writes := time.Since(c.epoch), c.writes.Load()
	if snap, last := c.snapshot.Load(), c.checked.Load(); snap != nil && last != nil &&
		last.writes == writes && now-last.at < c.recheck {
		return snap.value, nil
	}
	// One reader re-checks while the others keep using the snapshot they
	// trust anyway; otherwise every request arriving in that moment would
	// query (and open database connections) at once.
	last := c.checked.Load()
	ownWrite := last == nil || last.writes != writes // since the last check
	if snap := c.snapshot.Load(); snap != nil && !ownWrite {
		if !c.checking.CompareAndSwap(false, true) {
			return snap.value, nil
		}
		defer c.checking.Store(false)
	}
	check := &cacheCheck{at: now, writes: writes}
	version, err := readVersion(ctx)
	if err != nil {
		return nil, err
	}
	if snap := c.snapshot.Load(); snap != nil && snap.version >= version {
		c.checked.Store(check)
		return snap.value, nil
	}
	// Newer data. While a load is under way (a background writer's
	// refresh), a reader with no write of this process to see keeps the
	// snapshot it has rather than wait for it.
	if snap := c.snapshot.Load(); snap != nil && !ownWrite {
		if !c.loading.TryLock() {
			return snap.value, nil
		}
	} else {
		c.loading.Lock()
	}
	defer c.loading.Unlock()
	if snap := c.snapshot.Load(); snap != nil && snap.version >= version {
		return snap.value, nil // another reader loaded it while we waited
	}
	value, loaded, err := load(ctx)
	if err != nil {
		return nil, err
	}
	c.snapshot.Store(&versioned[T]{version: loaded, value: value})
	c.checked.Store(check)
	return value, nil
}

// refresh loads a snapshot of the database's current version for a
// background writer (the findings evaluation) after its commit, while
// readers keep the snapshot they have; a write that called wrote() would
// make every reader in the meantime wait for the load instead. Nothing is
// loaded before anyone has read; but a first load may be under way and
// store an older snapshot, so the next read then compares versions.
func (c *versionedCache[T]) refresh(ctx context.Context, readVersion func(context.Context) (int64, error),
	load func(context.Context) (*T, int64, error)) error {
	if c.snapshot.Load() == nil {
		c.wrote()
		return nil
	}
	version, err := readVersion(ctx)
	if err != nil {
		return err
	}
	c.loading.Lock()
	defer c.loading.Unlock()
	if c.snapshot.Load().version >= version {
		return nil
	}
	value, loaded, err := load(ctx)
	if err != nil {
		return err
	}
	c.snapshot.Store(&versioned[T]{version: loaded, value: value})
	return nil
}
