package container

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/config"
)

func validSpec() Spec {
	return Spec{
		Image:     "nginx:1.27.3-alpine",
		Health:    Healthcheck{Test: []string{"CMD", "true"}},
		Resources: config.Resources{CPULimitMilli: 500, CPUReservationMilli: 100, MemoryLimitMiB: 256, MemoryReservationMiB: 64},
	}
}

func TestValidateRejectsUnsafeSpecs(t *testing.T) {
	assert.NoError(t, Validate(validSpec()))
	cases := map[string]func(*Spec){
		"floating image":         func(s *Spec) { s.Image = "nginx:latest" },
		"no healthcheck":         func(s *Spec) { s.Health.Test = nil },
		"no memory limit":        func(s *Spec) { s.Resources.MemoryLimitMiB = 0 },
		"reservation over limit": func(s *Spec) { s.Resources.CPUReservationMilli = 600 },
		"port without address":   func(s *Spec) { s.Ports = []Port{{Internal: 80, External: 80}} },
		"port out of range":      func(s *Spec) { s.Ports = []Port{{Internal: 80, External: 70000, HostIP: "127.0.0.1"}} },
		"mount without source":   func(s *Spec) { s.Mounts = []Mount{{Target: "/data"}} },
		"mount with two sources": func(s *Spec) { s.Mounts = []Mount{{Target: "/d", HostPath: "/x", Volume: pulumi.String("v")}} },
		"file without content":   func(s *Spec) { s.Files = []File{{Path: "/etc/x"}} },
	}
	for name, mutate := range cases {
		s := validSpec()
		mutate(&s)
		assert.Error(t, Validate(s), name)
	}
}
