package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	target := flag.String("url", "", "URL to request (GET)")
	rate := flag.Int("rate", 3000, "requests per second to offer")
	conns := flag.Int("c", 32, "concurrent connections")
	duration := flag.Duration("d", 15*time.Second, "how long to offer load")
	var headers headerList
	flag.Var(&headers, "H", `header "Name: value" (repeatable)`)
	flag.Parse()
	if *target == "" || *rate < 1 || *conns < 1 {
		flag.Usage()
		os.Exit(2)
	}
	res := run(*target, *rate, *conns, *duration, headers)
	fmt.Print(res)
	if res.errors > 0 {
		os.Exit(1)
	}
}

type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }

type result struct {
	offered, done, errors int
	elapsed               time.Duration
	latencies             []time.Duration
}

func (r result) String() string {
	slices.Sort(r.latencies)
	p := func(q float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(q*float64(len(r.latencies))))]
	}
	return fmt.Sprintf("offered %d, completed %d, errors %d in %s: %.0f req/s\nlatency p50 %s  p90 %s  p99 %s  max %s\n",
		r.offered, r.done, r.errors, r.elapsed.Round(time.Millisecond), float64(r.done)/r.elapsed.Seconds(),
		p(0.50).Round(10*time.Microsecond), p(0.90).Round(10*time.Microsecond), p(0.99).Round(10*time.Microsecond), p(1).Round(10*time.Microsecond))
}

func run(target string, rate, conns int, duration time.Duration, headers []string) result {
	transport := &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()

	due := make(chan time.Time, rate) // a second of backlog at most
	var mu sync.Mutex
	res := result{latencies: make([]time.Duration, 0, rate*int(duration.Seconds()+1))}
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for at := range due {
				ok := get(client, target, headers)
				lat := time.Since(at) // from when it was due, not when it was sent
				mu.Lock()
				res.latencies = append(res.latencies, lat)
				if ok {
					res.done++
				} else {
					res.errors++
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for next := start; ctx.Err() == nil; next = next.Add(interval) {
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		select {
		case due <- next:
			res.offered++
		default: // backlog full: the server is far behind; count it as offered and failed
			res.offered++
			mu.Lock()
			res.errors++
			mu.Unlock()
		}
	}
	close(due)
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func get(client *http.Client, target string, headers []string) bool {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return false
	}
	for _, h := range headers {
		if k, v, ok := strings.Cut(h, ":"); ok {
			req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}
