package validate

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// MaxMilliCPU bounds CPU values so arithmetic on them can never overflow.
const MaxMilliCPU = 1024 * 1000

// MilliCPU turns "2", "0.5" or "500m" into thousandths of a core.
func MilliCPU(s string) (int, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutSuffix(s, "m"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || n <= 0 || n > MaxMilliCPU {
			return 0, fmt.Errorf("%q is not a CPU amount", s)
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f*1000 > MaxMilliCPU {
		return 0, fmt.Errorf("%q is not a CPU amount", s)
	}
	milli := int(math.Round(f * 1000))
	if milli == 0 {
		return 0, fmt.Errorf("%q is below one thousandth of a core", s)
	}
	return milli, nil
}

var memoryPattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s?([KMGT]i?B?|[kmgt]b?)$`)

// MaxMemoryMiB bounds memory values (1 PiB) so conversions cannot overflow.
const MaxMemoryMiB = 1 << 30

// MemoryMiB turns "512MB", "2G", "1.5GiB" or "256Mi" into MiB. Units are
// binary whatever their spelling, as with `docker run --memory`.
func MemoryMiB(s string) (int, error) {
	m := memoryPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not a memory size", s)
	}
	value, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a memory size", s)
	}
	perMiB := map[byte]float64{'K': 1.0 / 1024, 'M': 1, 'G': 1024, 'T': 1024 * 1024}
	mib := value * perMiB[strings.ToUpper(m[2])[0]]
	if mib < 6 || mib > MaxMemoryMiB {
		return 0, fmt.Errorf("%q is outside 6MiB..1PiB (Docker refuses less than 6MiB)", s)
	}
	return int(math.Round(mib)), nil
}

// FormatMilliCPU renders thousandths of a core the way Docker's `cpus` wants it.
func FormatMilliCPU(milli int) string {
	return strconv.FormatFloat(float64(milli)/1000, 'f', -1, 64)
}
