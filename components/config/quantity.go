package config

import (
	"encoding/json"
	"strings"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// Quantity is a CPU or memory amount as the user wrote it: YAML lets people
// write `cpu: 2`, `cpu: "0.5"` or `memory: 512MB`, so both JSON numbers and
// strings are accepted and parsed later, where a bad value can be reported
// with its key.
type Quantity string

// UnmarshalJSON accepts a JSON number or string. Anything else (true, a list)
// is kept as its JSON text, so the parser reports it once under its key
// instead of the decoder failing the whole object.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*q = Quantity(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		*q = Quantity(strings.TrimSpace(string(data)))
		return nil
	}
	*q = Quantity(n.String())
	return nil
}

// ParseMilliCPU turns "2", "0.5" or "500m" into thousandths of a core.
func ParseMilliCPU(s string) (int, error) { return validate.MilliCPU(s) }

// ParseMemoryMiB turns "512MB", "2G", "1.5GiB" or "256Mi" into MiB.
func ParseMemoryMiB(s string) (int, error) { return validate.MemoryMiB(s) }

// FormatMilliCPU renders thousandths of a core the way Docker's `cpus` wants it.
func FormatMilliCPU(milli int) string { return validate.FormatMilliCPU(milli) }

// CPUSharesPerCore is how a CPU reservation becomes docker's cpuShares:
// 1024 shares weigh one reserved core (the container block sets it, the
// policy pack checks it).
const CPUSharesPerCore = 1024
