package models

import "context"

// WaitForTouches waits for the background writes of sessions' and tokens'
// last use, so tests can read them.
func (s *Store) WaitForTouches() { s.lastUse.wait() }

// RecordCrawlOnly is RecordCrawl without its follow-ups (health, findings),
// for the benchmark of the crawl's own transaction.
func (s *Store) RecordCrawlOnly(ctx context.Context, run *CrawlRun, src *Source, snap *CrawlSnapshot, stored []Asset) (*CrawlRun, error) {
	return s.recordCrawl(ctx, run, src, snap, stored)
}
