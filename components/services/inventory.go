package services

import (
	"fmt"
	"slices"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Platform is the inventory: every service the platform runs. The order
// is the order of Prometheus's jobs and, among services whose After is
// met, of registration. Adding a service is a file with its record and
// one line here.
var Platform = []Record{
	nodeExporter, cadvisor,
	mysql, redis, app,
	mysqlExporter, redisExporter, alertmanager, gatewayExporter,
	prometheus, grafana, elasticsearch, zipkin, elasticsearchExporter, zipkinDependencies,
	blackboxExporter, pushgateway, backup,
	acme, nginxMon, gateway, edgeProxy,
}

// Catalog is what config.Parse checks the stack's overrides against: each
// platform record's defaults and placement rules.
func Catalog() config.Catalog {
	c := config.Catalog{}
	for _, r := range Platform {
		lan := 0
		if r.Port != 0 && !r.Public {
			lan = r.lanPort()
		}
		// A service on every engine with data, or beside each home nginx,
		// counts against each host's capacity like an agent.
		c[r.Name] = config.ServiceDefaults{Host: r.Host, PerHost: r.PerHost || r.DataHosts || r.BesideHome, Image: r.Image, Res: r.Resources, Beside: r.Beside, LANPort: lan, When: r.When}
	}
	return c
}

// Inventory is the stack's records: the platform's that the stack runs
// and its extra services. A service that does not run is neither waited
// for nor consumed (Zipkin in memory has no Elasticsearch). The gateway
// waits for every service it proxies to, and every home nginx for its ACME
// client (the certificate it starts with; Env.StartsAfter).
func Inventory(cfg *config.Stack) []Record {
	var records []Record
	off := map[string]bool{}
	for _, r := range Platform {
		if r.When != nil && !r.When(cfg) {
			off[r.Name] = true
			continue
		}
		records = append(records, r)
	}
	for i, r := range records {
		after := slices.Clone(r.After)
		if r.Home != nil {
			after = append(after, acme.Name)
		}
		records[i].After = slices.DeleteFunc(after, func(s string) bool { return off[s] })
		records[i].Consumes = slices.DeleteFunc(slices.Clone(r.Consumes), func(s string) bool { return off[s] })
	}
	for _, e := range cfg.Extras {
		records = append(records, extraService(e))
	}
	var upstreams []string
	for _, r := range records {
		if r.Upstream {
			upstreams = append(upstreams, r.Name)
		}
	}
	for i := range records {
		if records[i].Name == config.Gateway {
			records[i].After = slices.Concat(upstreams, records[i].After)
		}
	}
	return records
}

// order sorts the records so each comes after everything in its After (a
// topological sort, keeping inventory order among the ready ones).
func order(records []Record) ([]Record, error) {
	index := map[string]int{}
	for i, r := range records {
		index[r.Name] = i
	}
	for _, r := range records {
		for _, a := range r.After {
			if _, ok := index[a]; !ok {
				return nil, fmt.Errorf("services: %s starts after %q, which is not in the inventory", r.Name, a)
			}
		}
	}
	done := make([]bool, len(records))
	var out []Record
	for len(out) < len(records) {
		progressed := false
		for i, r := range records {
			if done[i] || !afterDone(r, index, done) {
				continue
			}
			done[i], progressed = true, true
			out = append(out, r)
		}
		if !progressed {
			var stuck []string
			for i, r := range records {
				if !done[i] {
					stuck = append(stuck, r.Name)
				}
			}
			return nil, fmt.Errorf("services: start order has a cycle among %v (check their After)", stuck)
		}
	}
	return out, nil
}

func afterDone(r Record, index map[string]int, done []bool) bool {
	for _, a := range r.After {
		if !done[index[a]] {
			return false
		}
	}
	return true
}
