package models

// WaitForTouches waits for the background writes of sessions' and tokens'
// last use, so tests can read them.
func (s *Store) WaitForTouches() { s.lastUse.wait() }
