package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigSignInChoices(t *testing.T) {
	t.Parallel()
	base := func(t *testing.T) Config {
		cfg := testConfig(filepath.Join(t.TempDir(), "x.db"))
		cfg.Dev, cfg.SecretKey = false, "test-secret-key-0123456789-abcdefghij"
		return cfg
	}
	t.Run("redirect URL derived from the base URL; cookies Secure on https", func(t *testing.T) {
		cfg := base(t)
		cfg.Addr, cfg.BaseURL = "0.0.0.0:8080", "https://meshport.example.com/"
		cfg.OIDCIssuer, cfg.OIDCClientID = "https://login.example.com", "meshport"
		if err := cfg.validate(); err != nil {
			t.Fatal(err)
		}
		if cfg.OIDCRedirectURL != "https://meshport.example.com/auth/callback" || !cfg.secureCookies() {
			t.Errorf("redirect %q secure %v", cfg.OIDCRedirectURL, cfg.secureCookies())
		}
	})
	t.Run("plain http keeps cookies usable", func(t *testing.T) {
		cfg := base(t)
		cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCRedirectURL = "http://localhost:9998/", "web", "http://127.0.0.1:8080/auth/callback"
		if err := cfg.validate(); err != nil || cfg.secureCookies() {
			t.Errorf("err %v secure %v", err, cfg.secureCookies())
		}
	})
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"dev on a public address", func(c *Config) { c.Dev, c.Addr = true, "0.0.0.0:8080" }, "only listens on loopback"},
		{"dev with an issuer on a public address", func(c *Config) {
			c.Dev, c.Addr, c.OIDCIssuer, c.OIDCClientID, c.OIDCRedirectURL = true, "0.0.0.0:8080", "https://l.example.com", "m", "https://m.example.com/cb"
		}, "only listens on loopback"},
		{"issuer not a URL", func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.BaseURL = "login.example.com", "m", "https://m.example.com"
		}, "MESHPORT_OIDC_ISSUER \"login.example.com\" is not an http(s) URL"},
		{"scopes without openid", func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.BaseURL, c.OIDCScopes = "https://l.example.com", "m", "https://m.example.com", "profile email"
		}, "must include openid"},
		{"redirect URL without a path", func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.OIDCRedirectURL = "https://l.example.com", "m", "https://m.example.com/"
		}, "needs a path of its own"},
		{"redirect URL on the API", func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.OIDCRedirectURL = "https://l.example.com", "m", "https://m.example.com/api/v1/cb"
		}, "needs a path of its own"},
		{"observations kept too short", func(c *Config) { c.Dev, c.ObservationRetention = true, 24*time.Hour }, "MESHPORT_OBSERVATION_RETENTION"},
		{"unread days zero", func(c *Config) { c.Dev, c.UnreadDays = true, 0 }, "MESHPORT_UNREAD_DAYS must be from 1 to 3650"},
		{"negative storage price", func(c *Config) { c.Dev, c.StoragePrice = true, -1 }, "MESHPORT_STORAGE_PRICE must be"},
		{"storage price per unknown kind", func(c *Config) { c.Dev, c.StoragePrices = true, "oracle=1" }, `MESHPORT_STORAGE_PRICES: "oracle=1"`},
		{"storage price not a number", func(c *Config) { c.Dev, c.StoragePrices = true, "files=cheap" }, `"files=cheap": the price must be a number`},
		{"empty currency", func(c *Config) { c.Dev, c.StorageCurrency = true, " " }, "MESHPORT_STORAGE_CURRENCY"},
		{"SMTP host without a sender", func(c *Config) { c.Dev, c.SMTPHost = true, "smtp.example.com" }, "MESHPORT_SMTP_FROM"},
		{"SMTP TLS unknown", func(c *Config) {
			c.Dev, c.SMTPHost, c.SMTPFrom, c.SMTPTLS = true, "smtp.example.com", "m@example.com", "ssl"
		}, "MESHPORT_SMTP_TLS must be none, starttls or tls"},
		{"SMTP port out of range", func(c *Config) {
			c.Dev, c.SMTPHost, c.SMTPFrom, c.SMTPPort = true, "smtp.example.com", "m@example.com", 70000
		}, "MESHPORT_SMTP_PORT"},
		{"report schedule not cron", func(c *Config) { c.Dev, c.ReportSchedule = true, "every monday" }, "MESHPORT_REPORT_SCHEDULE"},
		{"report schedule @every", func(c *Config) { c.Dev, c.ReportDailySchedule = true, "@every 24h" }, "MESHPORT_REPORT_DAILY_SCHEDULE"},
		{"reports without a base URL", func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.OIDCRedirectURL = "https://l.example.com", "m", "https://m.example.com/cb"
			c.SMTPHost, c.SMTPFrom = "smtp.example.com", "m@example.com"
		}, "MESHPORT_BASE_URL is needed for the links in the reports"},
		{"post-logout URL not a URL", func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.BaseURL, c.OIDCPostLogoutURL = "https://l.example.com", "m", "https://m.example.com", "/bye"
		}, "MESHPORT_OIDC_POST_LOGOUT_REDIRECT_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base(t)
			tc.edit(&cfg)
			if err := cfg.validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestConfigFindingRules(t *testing.T) {
	t.Parallel()
	cfg := testConfig(filepath.Join(t.TempDir(), "x.db"))
	cfg.UnreadDays, cfg.StoragePrice, cfg.StoragePrices, cfg.StorageCurrency = 30, 0.2, " Files=0.023 , postgres=0.115", "EUR"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	r := cfg.findingRules()
	size := int64(10e9)
	near := func(got, want float64) bool { return got > want-1e-9 && got < want+1e-9 }
	if r.UnreadDays != 30 || r.Currency != "EUR" || !near(r.MonthlyCost("files", &size), 0.23) ||
		!near(r.MonthlyCost("mysql", &size), 2) || !near(r.MonthlyCost("postgres", &size), 1.15) {
		t.Errorf("rules %+v", r)
	}
}
