package models

import (
	"sync"
	"time"
)

// sessionCache remembers recently checked sessions for a few seconds, so a
// page view does not always cost a database query. Sign-out in this process
// removes the entry at once; a session ended elsewhere (another replica, an
// admin) stops working here within the cache's lifetime.
type sessionCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]cachedSession // by token hash
}

type cachedSession struct {
	user      User
	lastSeen  time.Time
	expiresAt time.Time
	checkedAt time.Time
}

const maxCachedSessions = 10000

func (c *sessionCache) get(hash string, now time.Time) (cachedSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.Sub(e.checkedAt) >= c.ttl || now.Before(e.checkedAt) {
		return cachedSession{}, false
	}
	return e, true
}

func (c *sessionCache) put(hash string, e cachedSession) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedSessions {
		clear(c.entries) // bounded memory; entries are cheap to refetch
	}
	c.entries[hash] = e
}

func (c *sessionCache) forget(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, hash)
}

// forgetUser drops every cached session of one user (their sessions were
// revoked).
func (c *sessionCache) forgetUser(userID uint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for hash, e := range c.entries {
		if e.user.ID == userID {
			delete(c.entries, hash)
		}
	}
}
