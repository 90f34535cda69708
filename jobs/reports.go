package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/reports"
	"github.com/wneessen/go-mail"
)

// SMTP is how reports leave: the server, its credentials and the sender.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // none, starttls or tls
}

// Configured reports whether an SMTP server is set.
func (s SMTP) Configured() bool { return s.Host != "" }

// ReportsOptions tune queueing and delivery.
type ReportsOptions struct {
	SMTP     SMTP
	BaseURL  string // for absolute links in the emails
	Location *time.Location
	// RetryBase is the first retry's delay; each next one doubles, up to an
	// hour. MaxAttempts ends retrying (the message stays failed until an
	// admin retries it).
	RetryBase   time.Duration
	MaxAttempts int
	// Parallel SMTP connections; Lease is how long a claimed message is
	// held before another sender may take it over.
	Parallel int
	Lease    time.Duration
	Instance string
}

// Reports builds, queues and delivers the ownership reports. Queueing is
// idempotent per (recipient, period) and delivery claims each message, so
// any number of replicas may run both.
type Reports struct {
	store *models.Store
	log   *slog.Logger
	opts  ReportsOptions
	kick  chan struct{}
}

// NewReports makes the report service; Run starts its delivery worker.
func NewReports(store *models.Store, log *slog.Logger, opts ReportsOptions) *Reports {
	if opts.RetryBase <= 0 {
		opts.RetryBase = time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	return &Reports{store: store, log: log.With("component", "reports"), opts: opts, kick: make(chan struct{}, 1)}
}

// SMTPConfigured reports whether reports can be sent at all.
func (r *Reports) SMTPConfigured() bool { return r.opts.SMTP.Configured() }

// Render turns a report into its subject, HTML and text parts.
func (r *Reports) Render(ctx context.Context, rep *models.Report) (subject, html, text string, err error) {
	e := reports.Email{Report: rep, BaseURL: r.opts.BaseURL}
	var buf bytes.Buffer
	if err := reports.HTML(e).Render(ctx, &buf); err != nil {
		return "", "", "", fmt.Errorf("render report: %w", err)
	}
	return reports.Subject(rep), buf.String(), reports.Text(e), nil
}

// Preview builds and renders one person's report as it would be sent now.
func (r *Reports) Preview(ctx context.Context, email string) (*models.Report, string, string, error) {
	rep, err := r.store.ReportFor(ctx, email)
	if err != nil {
		return nil, "", "", err
	}
	_, html, text, err := r.Render(ctx, rep)
	return rep, html, text, err
}

// Queue writes the reports of everyone whose frequency is due to the
// outbox for the current period (a report with nothing to say only for
// those who asked for it), then wakes the sender. It reports how many
// messages were new.
func (r *Reports) Queue(ctx context.Context, frequency, queuedBy string) (int, error) {
	people, prefs, err := r.store.DueRecipients(ctx, frequency)
	if err != nil {
		return 0, err
	}
	reps, err := r.store.BuildReports(ctx, people)
	if err != nil {
		return 0, err
	}
	period := models.ReportPeriod(frequency, r.store.Now(), r.opts.Location)
	msgs := make([]models.OutboxMessage, 0, len(reps))
	for _, rep := range reps {
		if !rep.Owns() || !rep.HasNews() && !prefs[rep.Recipient.Email].Always {
			continue
		}
		subject, html, text, err := r.Render(ctx, rep)
		if err != nil {
			return 0, err
		}
		msgs = append(msgs, models.OutboxMessage{Recipient: rep.Recipient.Email, Period: period, Subject: subject,
			HTML: html, Text: text, QueuedBy: queuedBy})
	}
	n, err := r.store.QueueMessages(ctx, msgs)
	if err != nil {
		return 0, err
	}
	r.log.Info("reports queued", "frequency", frequency, "period", period, "new", n, "recipients", len(people))
	r.Kick()
	return n, nil
}

// QueueNow queues one person's report at once, outside the schedule (an
// admin's "Send now"), in a period of its own.
func (r *Reports) QueueNow(ctx context.Context, p models.Principal, email string) (*models.OutboxMessage, error) {
	if p.ReadOnly || !p.Admin {
		return nil, models.Errorf(models.EFORBIDDEN, "Only admins can send reports by hand.")
	}
	if !r.SMTPConfigured() {
		return nil, models.Errorf(models.EUNAVAILABLE, "No SMTP server is configured (MESHPORT_SMTP_HOST), so reports cannot be sent.")
	}
	rep, err := r.store.ReportFor(ctx, email)
	if err != nil {
		return nil, err
	}
	subject, html, text, err := r.Render(ctx, rep)
	if err != nil {
		return nil, err
	}
	period := "now " + r.store.Now().UTC().Format("2006-01-02 15:04:05")
	if _, err := r.store.QueueMessages(ctx, []models.OutboxMessage{{Recipient: rep.Recipient.Email, Period: period,
		Subject: subject, HTML: html, Text: text, QueuedBy: p.Label()}}); err != nil {
		return nil, err
	}
	r.Kick()
	return &models.OutboxMessage{Recipient: rep.Recipient.Email, Period: period, Subject: subject}, nil
}

// Retry puts a failed or waiting message back to be sent now, and wakes the
// delivery worker for it.
func (r *Reports) Retry(ctx context.Context, p models.Principal, id uint) (*models.OutboxMessage, error) {
	m, err := r.store.RetryMessage(ctx, p, id)
	if err != nil {
		return nil, err
	}
	r.Kick()
	return m, nil
}

// Kick wakes the delivery worker.
func (r *Reports) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx ends: when kicked, and every
// interval (retries come due with time).
func (r *Reports) Run(ctx context.Context, interval time.Duration) {
	if !r.SMTPConfigured() {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, err := r.Deliver(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("deliver reports", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
	}
}

// Deliver sends every message due now over Parallel connections, and
// reports how many were sent and how many failed.
func (r *Reports) Deliver(ctx context.Context) (sent, failed int, err error) {
	if !r.SMTPConfigured() {
		return 0, 0, errors.New("no SMTP server configured")
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range r.opts.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, f, err := r.deliverBatches(ctx)
			mu.Lock()
			defer mu.Unlock()
			sent, failed = sent+s, failed+f
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return sent, failed, firstErr
}

// deliverBatches is one sender: it claims a few due messages at a time and
// sends them over one SMTP connection, until none are due.
func (r *Reports) deliverBatches(ctx context.Context) (sent, failed int, err error) {
	var client *mail.Client
	defer func() {
		if client != nil {
			_ = client.Close()
		}
	}()
	for ctx.Err() == nil {
		batch, err := r.store.ClaimDue(ctx, r.opts.Instance, 10, r.opts.MaxAttempts, r.opts.Lease)
		if err != nil {
			return sent, failed, err
		}
		if len(batch) == 0 {
			return sent, failed, nil
		}
		for _, m := range batch {
			if client == nil {
				if client, err = r.dial(ctx); err != nil {
					client = nil
					failed++
					r.failed(ctx, m, err)
					continue
				}
			}
			msg, err := r.message(m)
			if err == nil {
				err = client.Send(msg)
			}
			if err != nil {
				failed++
				r.failed(ctx, m, err)
				_ = client.Close() // the connection may be in any state now
				client = nil
				continue
			}
			if err := r.store.MarkSent(ctx, m.ID, r.opts.Instance, msgID(m, r.opts.BaseURL)); err != nil {
				return sent, failed, err
			}
			sent++
		}
	}
	return sent, failed, ctx.Err()
}

func (r *Reports) dial(ctx context.Context) (*mail.Client, error) {
	s := r.opts.SMTP
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(15 * time.Second)}
	switch s.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case "tls":
		opts = append(opts, mail.WithSSL())
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	client, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, err
	}
	if err := client.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return client, nil
}

func (r *Reports) message(m models.OutboxMessage) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(r.opts.SMTP.From); err != nil {
		return nil, fmt.Errorf("sender %q: %w", r.opts.SMTP.From, err)
	}
	if err := msg.To(m.Recipient); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(msgID(m, r.opts.BaseURL))
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	return msg, nil
}

// msgID names the message the same way at every attempt, so a receiver
// can tell a repeat.
func msgID(m models.OutboxMessage, baseURL string) string {
	host := "meshport.invalid"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return fmt.Sprintf("report-%d@%s", m.ID, host)
}

// failed records a refused or failed attempt with the server's answer and
// schedules the next one with exponential backoff.
func (r *Reports) failed(ctx context.Context, m models.OutboxMessage, cause error) {
	final := m.Attempts >= r.opts.MaxAttempts
	delay := r.opts.RetryBase << min(m.Attempts-1, 10)
	delay = min(delay, time.Hour)
	next := r.store.Now().Add(delay)
	r.log.Warn("report not delivered", "message", m.ID, "attempt", m.Attempts, "final", final, "error", cause)
	if err := r.store.MarkFailed(ctx, m.ID, r.opts.Instance, cause.Error(), next, final); err != nil {
		r.log.Error("record delivery failure", "message", m.ID, "error", err)
	}
}
