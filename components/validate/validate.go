// Package validate holds the validation primitives every layer shares: the
// config package turns their errors into user problems (key + fix), and the
// components call the same functions to assert their own invariants. It
// depends on no other package of this project.
package validate

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// label is one RFC 1123 host name label, lower case.
var label = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Hostname accepts a lower-case host name of one or more RFC 1123 labels
// ("localhost", "jiucom-gateway", "grafana.example.com"), at most 253
// characters. Names end up in nginx directives and shell commands, so nothing
// else passes.
func Hostname(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	if len(s) > 253 {
		return fmt.Errorf("is %d characters long; a DNS name has at most 253", len(s))
	}
	for _, l := range strings.Split(s, ".") {
		if !label.MatchString(l) {
			return fmt.Errorf("%q is not a lower-case DNS name", s)
		}
	}
	return nil
}

// DNSName accepts a public, fully qualified name: a Hostname of at least two
// labels whose last label (the top-level domain) is letters only.
func DNSName(s string) error {
	if err := Hostname(s); err != nil {
		return err
	}
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 {
		return fmt.Errorf("%q has no domain; use a full name such as api.example.com", s)
	}
	for _, r := range s[dot+1:] {
		if r < 'a' || r > 'z' {
			return fmt.Errorf("%q ends in %q, which is not a top-level domain", s, s[dot+1:])
		}
	}
	if len(s)-dot-1 < 2 {
		return fmt.Errorf("%q ends in a one-letter top-level domain", s)
	}
	return nil
}

// Address accepts an IP address or a DNS name.
func Address(s string) error {
	if _, err := netip.ParseAddr(s); err == nil {
		return nil
	}
	if err := DNSName(s); err != nil {
		return fmt.Errorf("%q is neither an IP address nor a DNS name", s)
	}
	return nil
}

// CIDR parses an address block such as 203.0.113.7/32 or 2001:db8::/48.
func CIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR", s)
	}
	return p, nil
}

// WholeInternet reports whether a block spans the whole address space or
// starts at the unspecified address (0.0.0.0/0, 0.0.0.0/1, ::/0): such a
// block opens a port to everyone.
func WholeInternet(p netip.Prefix) bool {
	return p.Bits() == 0 || p.Masked().Addr().IsUnspecified()
}

// Port accepts a TCP/UDP port number, 1 to 65535.
func Port(n int) error {
	if n < 1 || n > 65535 {
		return fmt.Errorf("%d is not a port between 1 and 65535", n)
	}
	return nil
}

// HostPort parses host:port where the port is numeric (1 to 65535) and the
// host is an IP address or a host name (matched case-insensitively).
func HostPort(s string) (host string, port int, err error) {
	h, p, err := splitHostPort(s)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(p)
	if err != nil || Port(n) != nil {
		return "", 0, fmt.Errorf("%q: the port %q is not a number between 1 and 65535", s, p)
	}
	if _, err := netip.ParseAddr(h); err != nil && Hostname(strings.ToLower(h)) != nil {
		return "", 0, fmt.Errorf("%q: the host %q is neither an IP address nor a host name", s, h)
	}
	return h, n, nil
}

func splitHostPort(s string) (string, string, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", fmt.Errorf("%q is not host:port", s)
	}
	h, p := s[:i], s[i+1:]
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	} else if strings.Contains(h, ":") {
		return "", "", fmt.Errorf("%q is not host:port (write an IPv6 host in brackets)", s)
	}
	if h == "" || p == "" {
		return "", "", fmt.Errorf("%q is not host:port", s)
	}
	return h, p, nil
}

// URL parses an absolute URL with a scheme and a host. With httpsOnly the
// scheme must be https: a credential travels in it or with it. The error
// never repeats the URL, which may itself be the secret.
func URL(s string, httpsOnly bool) (*url.URL, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil || s == "":
		return nil, errors.New("is not a URL")
	case u.Scheme == "" || u.Host == "" || u.Hostname() == "":
		return nil, errors.New("is not an absolute URL with a scheme and a host")
	case httpsOnly && u.Scheme != "https":
		return nil, fmt.Errorf("uses %s://; it must be https://", u.Scheme)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("uses %s://; only http:// and https:// are supported", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || Port(n) != nil {
			return nil, errors.New("has a port outside 1..65535")
		}
	}
	return u, nil
}

// DockerEndpoint accepts the two transports the product supports: the local
// socket (unix:///path) and an engine reached over SSH
// (ssh://user@host[:port], nothing after the host).
func DockerEndpoint(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || s == "":
		return fmt.Errorf("%q is not a docker endpoint", s)
	case u.Scheme == "unix":
		if u.Path == "" || u.Host != "" {
			return fmt.Errorf("%q names no socket path (unix:///path)", s)
		}
	case u.Scheme == "ssh":
		if u.User == nil || u.User.Username() == "" || u.Hostname() == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%q must name a user and a host and nothing else", s)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || Port(n) != nil {
				return fmt.Errorf("%q has a port outside 1..65535", s)
			}
		}
		if Address(strings.ToLower(u.Hostname())) != nil && Hostname(strings.ToLower(u.Hostname())) != nil {
			return fmt.Errorf("%q: %q is not a host", s, u.Hostname())
		}
	default:
		return fmt.Errorf("%q uses scheme %q; only unix:// and ssh:// are supported", s, u.Scheme)
	}
	return nil
}

// promDuration is Prometheus's duration syntax, e.g. "15d" or "1w2d".
var promDuration = regexp.MustCompile(`^([0-9]+(y|w|d|h|ms|m|s))+$`)

// Duration accepts a non-zero Prometheus duration such as 15d, 4w or 1h30m.
func Duration(s string) error {
	if !promDuration.MatchString(s) || strings.Trim(s, "0ywdhms") == "" {
		return fmt.Errorf("%q is not a duration such as 15d or 4w", s)
	}
	return nil
}

// Float parses a finite number within [lo, hi]; NaN and infinities never pass.
func Float(s string, lo, hi float64) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if f < lo || f > hi {
		return 0, fmt.Errorf("%q is outside %g..%g", s, lo, hi)
	}
	return f, nil
}

// Visible rejects strings carrying control characters or characters that
// render as nothing (zero-width spaces and joiners, word joiner, byte-order
// mark, soft hyphen, bidi controls) or invalid UTF-8: pasted from a chat or a
// document they make two equal-looking values differ. The error names the
// character and its position, never the whole value.
func Visible(s string) error {
	for i, r := range s {
		if name := invisible(r); name != "" {
			return fmt.Errorf("contains %s (U+%04X) at byte %d", name, r, i)
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return fmt.Errorf("is not valid UTF-8 at byte %d", i)
			}
			return fmt.Errorf("contains the replacement character (U+FFFD) at byte %d", i)
		}
	}
	return nil
}

func invisible(r rune) string {
	switch {
	case unicode.IsControl(r):
		return "a control character"
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF, r == 0x00AD, r == 0x180E:
		return "an invisible character"
	case r == 0x200E, r == 0x200F, r == 0x061C, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return "a bidirectional control character"
	}
	return ""
}
