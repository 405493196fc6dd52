// Package bench holds load checks. They are benchmarks, not tests: they
// print what they measured (with ratios against a baseline taken in the same
// run) and never assert on timing.
package bench

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiucom/jiucom-infra/components/gateway"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

const (
	overload       = 10 * time.Second
	healthInterval = 50 * time.Millisecond
	workersPer     = 8
	healthProbeIP  = "127.0.0.9"
)

// Flooding clients: each far above 30 r/s on its own.
var floodIPs = []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"}

// BenchmarkGatewayOverload drives the rendered gateway on Debian's nginx far
// above its rate limit for 10 s and reports requests served, 429s, upstream
// 5xx, and whether /health kept answering, with its latency under load as a
// ratio of its idle latency. Run it once:
//
//	go test ./tests/bench -run '^$' -bench GatewayOverload -benchtime 1x
func BenchmarkGatewayOverload(b *testing.B) {
	n := nginxtest.New(b)
	listen := gateway.Listen{HTTP: nginxtest.LoopbackAddr(b, "127.0.0.1"), HTTPS: nginxtest.LoopbackAddr(b, "127.0.0.1")}
	conf, err := gateway.Render(gateway.Args{
		App:       []string{nginxtest.Backend(b, "app-1"), nginxtest.Backend(b, "app-2"), nginxtest.Backend(b, "app-3")},
		Grafana:   nginxtest.Backend(b, "grafana"),
		Zipkin:    nginxtest.Backend(b, "zipkin"),
		AccessLog: n.Dir + "/access.log", // logging is part of the cost
		Listen:    listen,
	})
	if err != nil {
		b.Fatal(err)
	}
	n.Run(b, conf, listen.HTTP)
	base := "http://" + listen.HTTP

	b.ResetTimer()
	for range b.N {
		idle := probeHealth(base, 2*time.Second, nil)
		var stop atomic.Bool
		codes := flood(base, &stop)
		loaded := probeHealth(base, overload, &stop)
		report(b, codes(), idle, loaded)
	}
}

// flood starts the clients; the returned function waits for them after stop
// and returns the status counts.
func flood(base string, stop *atomic.Bool) func() map[int]int64 {
	var mu sync.Mutex
	codes := map[int]int64{}
	var wg sync.WaitGroup
	for _, ip := range floodIPs {
		c := nginxtest.ClientFrom(ip)
		for range workersPer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				local := map[int]int64{}
				for !stop.Load() {
					code := 0 // transport error
					if resp, err := c.Get(base + "/api/v1/items"); err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						code = resp.StatusCode
					}
					local[code]++
				}
				mu.Lock()
				for k, v := range local {
					codes[k] += v
				}
				mu.Unlock()
			}()
		}
	}
	return func() map[int]int64 { wg.Wait(); return codes }
}

type probes struct {
	ok, total int
	latencies []time.Duration
}

// probeHealth asks /health from its own address every healthInterval for d,
// then sets stop (if given).
func probeHealth(base string, d time.Duration, stop *atomic.Bool) probes {
	c := nginxtest.ClientFrom(healthProbeIP)
	var p probes
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(healthInterval) {
		start := time.Now()
		resp, err := c.Get(base + "/health")
		p.total++
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ok++
				p.latencies = append(p.latencies, time.Since(start))
			}
		}
	}
	if stop != nil {
		stop.Store(true)
	}
	return p
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func report(b *testing.B, codes map[int]int64, idle, loaded probes) {
	var total, fivexx int64
	for code, n := range codes {
		total += n
		if code >= 500 {
			fivexx += n
		}
	}
	served, limited := codes[http.StatusOK], codes[http.StatusTooManyRequests]
	secs := overload.Seconds()
	ceiling := float64(len(floodIPs)) * (gateway.RatePerSecond*secs + gateway.Burst)
	fmt.Printf("gateway overload, %s, %d clients x %d connections:\n", overload, len(floodIPs), workersPer)
	fmt.Printf("  requests sent            %d (%.0f/s)\n", total, float64(total)/secs)
	fmt.Printf("  served (200)             %d = %.2f of the limit's ceiling %.0f (30 r/s x %.0f s + burst %d, per client)\n",
		served, float64(served)/ceiling, ceiling, secs, gateway.Burst)
	fmt.Printf("  rate-limited (429)       %d = %.3f of requests\n", limited, float64(limited)/float64(max(total, 1)))
	fmt.Printf("  upstream 5xx             %d (must be 0)\n", fivexx)
	fmt.Printf("  transport errors         %d\n", codes[0])
	fmt.Printf("  /health answered         %d/%d probes under load (idle: %d/%d)\n", loaded.ok, loaded.total, idle.ok, idle.total)
	fmt.Printf("  /health p50 under load   %v = %.1fx idle %v\n", percentile(loaded.latencies, 0.5),
		ratio(percentile(loaded.latencies, 0.5), percentile(idle.latencies, 0.5)), percentile(idle.latencies, 0.5))
	fmt.Printf("  /health p99 under load   %v = %.1fx idle %v\n", percentile(loaded.latencies, 0.99),
		ratio(percentile(loaded.latencies, 0.99), percentile(idle.latencies, 0.99)), percentile(idle.latencies, 0.99))
	b.ReportMetric(float64(served), "served")
	b.ReportMetric(float64(limited), "429s")
	b.ReportMetric(float64(fivexx), "5xx")
	b.ReportMetric(float64(loaded.ok)/float64(max(loaded.total, 1)), "health-ok-share")
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
