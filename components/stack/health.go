package stack

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/container"
)

// httpHealth probes a local URL with the busybox wget every image here ships.
func httpHealth(url string, startPeriod time.Duration) container.Healthcheck {
	return container.Healthcheck{
		Test:        []string{"CMD", "wget", "-q", "-O", "/dev/null", url},
		StartPeriod: startPeriod,
	}
}
