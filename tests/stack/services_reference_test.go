package stack_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// servicesTable is the reference's service list as the records define it.
func servicesTable() string {
	var b strings.Builder
	b.WriteString("| service | default host | image | cpu / memory limit | port | data | scrape job |\n|---|---|---|---|---|---|---|\n")
	for _, r := range services.Platform {
		host := string(r.Host)
		switch {
		case r.PerHost:
			host = "every host"
		case r.DataHosts:
			host = "every host with data"
		case r.BesideHome:
			host = "beside each home nginx"
		case host == "":
			host = "edge"
		}
		cell := func(v string) string {
			if v == "" {
				return "—"
			}
			return v
		}
		port, job := "", ""
		if r.Port != 0 {
			port = fmt.Sprint(r.Port)
		}
		if r.Scrape != nil {
			job = r.Scrape.Job
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s / %dMiB | %s | %s | %s |\n", r.Name, host, cell(r.Image),
			config.FormatMilliCPU(r.Resources.CPULimitMilli), r.Resources.MemoryLimitMiB, cell(port), cell(r.Data), cell(job))
	}
	return b.String()
}

// The reference's service list is the inventory: a new record without its
// row (or a changed default) fails here, with the row to paste.
func TestConfigReferenceListsEveryServiceRecord(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(harness.Root(), "docs", "configuration.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n## Services\n")
	require.True(t, ok, "docs/configuration.md has a Services section")
	want := servicesTable()
	assert.Contains(t, section, want, "docs/configuration.md's Services table, as the records define it:\n%s", want)
}
