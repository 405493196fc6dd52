package container

import (
	"errors"
	"fmt"
	"net"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Validate checks a spec before anything is registered.
func Validate(s Spec) error {
	var errs []error
	if err := config.CheckPinnedImage(s.Image); err != nil {
		errs = append(errs, err)
	}
	if len(s.Health.Test) == 0 {
		errs = append(errs, errors.New("no healthcheck: dependents are gated on health"))
	}
	r := s.Resources
	if r.CPULimitMilli <= 0 || r.MemoryLimitMiB <= 0 {
		errs = append(errs, errors.New("CPU and memory limits are required"))
	}
	if r.CPUReservationMilli > r.CPULimitMilli || r.MemoryReservationMiB > r.MemoryLimitMiB {
		errs = append(errs, errors.New("a reservation is above its limit"))
	}
	for _, p := range s.Ports {
		if net.ParseIP(p.HostIP) == nil {
			errs = append(errs, fmt.Errorf("port %d: host IP %q must be an explicit address", p.Internal, p.HostIP))
		}
		if p.Internal < 1 || p.Internal > 65535 || p.External < 1 || p.External > 65535 {
			errs = append(errs, fmt.Errorf("port %d:%d out of range", p.External, p.Internal))
		}
	}
	for _, m := range s.Mounts {
		if (m.Volume == nil) == (m.HostPath == "") || m.Target == "" {
			errs = append(errs, fmt.Errorf("mount %q needs a target and exactly one of volume or host path", m.Target))
		}
	}
	for _, f := range s.Files {
		if f.Path == "" || f.Content == nil {
			errs = append(errs, fmt.Errorf("file %q needs a path and content", f.Path))
		}
	}
	if c := s.LiveConfig; c != nil && (c.Path == "" || c.Content == nil || c.Engine == "") {
		errs = append(errs, errors.New("a live config needs a path, content and the docker endpoint its reload uses"))
	}
	return errors.Join(errs...)
}
