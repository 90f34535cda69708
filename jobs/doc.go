// Package jobs is the portal's work outside requests: the cron scheduler
// (Scheduler), the crawler that claims and runs crawls of sources with
// heartbeats (Crawler), the per-source crawl schedules that follow source
// writes (SourceSchedules), and the ownership reports, queued into the
// outbox and delivered over SMTP (Reports). Every replica runs the same
// jobs; claims in the database make each tick and message happen once.
//
// Imports: models, views (to render report emails) and jobs/connectors;
// never handlers or cmd.
package jobs
