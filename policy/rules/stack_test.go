package rules_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/policy/rules"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// replaced returns the resources with one of them swapped for r.
func replaced(rs []rules.Resource, r rules.Resource) []rules.Resource {
	out := make([]rules.Resource, len(rs))
	for i, each := range rs {
		if each.URN == r.URN {
			each = r
		}
		out[i] = each
	}
	return out
}

func TestHostCapacity(t *testing.T) {
	p := programFor(t, "prod")
	assert.Empty(t, validateStack(t, p.settings, rules.PolicyHostCapacity, p.resources), "prod fits its hosts")

	// The service host's containers, as the records reserve them.
	var n, memory, shares int
	for _, c := range p.rec.OfType("docker:index/container:Container") {
		if provider, ok := p.rec.ProviderOf(c); ok && provider.Name == "service-docker" {
			n++
			memory += harness.Num(c.Inputs["memoryReservation"])
			shares += harness.Num(c.Inputs["cpuShares"])
		}
	}
	mysqlRec, _ := p.rec.Named("docker:index/container:Container", "mysql-container")
	mysql := set(t, p.named(t, container, "mysql-container"), num(15000), "memoryReservation")
	got := validateStack(t, p.settings, rules.PolicyHostCapacity, replaced(p.resources, mysql))
	require.Len(t, got, 1)
	assert.Equal(t, fmt.Sprintf(`docker host "ssh://jiu@192.168.0.30" (provider service-docker): memory reservations of %d containers add up to %dMiB, above its 16384MiB (fix: lower resources.<service>.memoryReservation, move services, or raise hosts.<role>.memory)`,
		n, memory-harness.Num(mysqlRec.Inputs["memoryReservation"])+15000),
		got[0].Message)
	assert.Equal(t, mysql.Provider.URN, got[0].URN, "reported on the host's provider")

	// app-1's 512 shares raised to 8192.
	app := set(t, p.named(t, container, "app-1-container"), num(8192), "cpuShares")
	got = validateStack(t, p.settings, rules.PolicyHostCapacity, replaced(p.resources, app))
	require.Len(t, got, 1)
	total := shares - 512 + 8192
	assert.Equal(t, fmt.Sprintf(`docker host "ssh://jiu@192.168.0.30" (provider service-docker): CPU reservations of %d containers add up to %s cores (%d shares), above its 8 cores (fix: lower resources.<service>.cpuReservation, move services, or raise hosts.<role>.cpus)`,
		n, config.FormatMilliCPU(total*1000/config.CPUSharesPerCore), total),
		got[0].Message)
}

func TestHostCapacityDevSharesOneEngine(t *testing.T) {
	p := programFor(t, "dev")
	assert.Empty(t, validateStack(t, p.settings, rules.PolicyHostCapacity, p.resources))
	small := p.settings
	small.Capacity = map[string]rules.Amount{"unix:///var/run/docker.sock": {CPUMilli: 4000, MemoryMiB: 2048}}
	got := validateStack(t, small, rules.PolicyHostCapacity, p.resources)
	// The records' reservations, one container per service, all on the
	// one engine.
	containers := p.rec.OfType("docker:index/container:Container")
	reserved := 0
	for _, c := range containers {
		reserved += harness.Num(c.Inputs["memoryReservation"])
	}
	require.Greater(t, reserved, 2048)
	require.Len(t, got, 1, "every container of both roles counts against the one engine")
	assert.Equal(t, fmt.Sprintf(`docker host "unix:///var/run/docker.sock" (provider monitoring-service-docker): memory reservations of %d containers add up to %dMiB, above its 2048MiB (fix: lower resources.<service>.memoryReservation, move services, or raise hosts.<role>.memory)`, len(containers), reserved),
		got[0].Message)

	undeclared := p.settings
	undeclared.Capacity = map[string]rules.Amount{}
	got = validateStack(t, undeclared, rules.PolicyHostCapacity, p.resources)
	require.Len(t, got, 1)
	assert.Equal(t, fmt.Sprintf(`docker host "unix:///var/run/docker.sock" (provider monitoring-service-docker): no declared capacity to check %d containers against (fix: set hosts.<role>.cpus and .memory for this endpoint, or JIUCOM_POLICY_HOST_CAPACITY)`, len(containers)),
		got[0].Message)
}

func TestDefaultDockerProvider(t *testing.T) {
	p := programFor(t, "prod")
	for _, typ := range []string{container, image, rules.VolumeType} {
		for _, r := range p.resources {
			if r.Type != typ {
				continue
			}
			assert.Empty(t, validate(t, p.settings, rules.PolicyExplicitDocker, r, nil), r.Name)
		}
	}
	gateway := p.named(t, container, "gateway-container")
	gateway.Provider = defaultProvider("prod", gateway.Type)
	assert.Equal(t, []string{"gateway-container: uses the default docker provider, which targets whatever engine DOCKER_HOST or the local socket is (fix: register it with pulumi.Provider(host.Provider) or under a parent that has it)"},
		validate(t, p.settings, rules.PolicyExplicitDocker, gateway, nil))
}

// The analyzer protocol does not carry retainOnDelete, so the rule reads the
// key the program derives it from; this test ties the two together.
func TestVolumesRetainedInProd(t *testing.T) {
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	values := maps.Clone(in.Values)
	values["retainDataOnDestroy"] = "false"
	dropping := runProgram(t, "prod", values)
	for _, v := range dropping.rec.OfType(rules.VolumeType) {
		assert.False(t, v.Retain, "%s: the program follows retainDataOnDestroy", v.Name)
	}

	kept := programFor(t, "prod")
	vol := kept.named(t, rules.VolumeType, "service-jiucom-mysql-data")
	assert.Empty(t, validate(t, kept.settings, rules.PolicyVolumesRetained, vol, nil))
	assert.Equal(t, []string{"service-jiucom-mysql-data: stack prod has retainDataOnDestroy false, so `pulumi destroy` deletes volume jiucom-mysql-data and its data (fix: pulumi config set retainDataOnDestroy true -s prod)"},
		validate(t, dropping.settings, rules.PolicyVolumesRetained, vol, nil))

	dev := dropping.settings
	dev.Stack = "dev"
	assert.Empty(t, validate(t, dev, rules.PolicyVolumesRetained, vol, nil), "dev may drop its data")
	assert.NotEmpty(t, validate(t, dev, rules.PolicyVolumesRetained, vol, map[string]any{"stacks": []any{"dev", "prod"}}), "policy config names the stacks")
	p, ok := policy(t, dev, rules.PolicyVolumesRetained).(policyx.ResourceValidationPolicy)
	require.True(t, ok)
	err = p.Validate(t.Context(), policyx.ResourceValidationArgs{Manager: &recorder{}, Resource: vol, Config: map[string]any{"stacks": "prod"}})
	assert.EqualError(t, err, "policy data-volumes-retained: policy config stacks: prod is not a list of stack names")
}

// dropped returns the program's resources less the one named.
func dropped(t *testing.T, p *program, typ, name string) []rules.Resource {
	t.Helper()
	gone := p.named(t, typ, name)
	var out []rules.Resource
	for _, r := range p.resources {
		if r.URN != gone.URN {
			out = append(out, r)
		}
	}
	return out
}

// text reads a string property of r.
func text(t *testing.T, r rules.Resource, keys ...any) string {
	t.Helper()
	v, err := path(keys...).Get(property.New(r.Properties))
	require.NoError(t, err)
	return v.AsString()
}

func TestDataVolumesBackedUp(t *testing.T) {
	p := programFor(t, "prod")
	require.True(t, p.settings.BackupEnabled, "prod backs up: the program's default")
	assert.Empty(t, validateStack(t, p.settings, rules.PolicyBackedUp, p.resources))

	// The service host without its backup container: its data volumes
	// (mysql, redis, the ACME clients'), and only those, are reported.
	got := validateStack(t, p.settings, rules.PolicyBackedUp, dropped(t, p, container, "backup-service-container"))
	var want []rules.Violation
	for _, service := range []string{"mysql", "redis", "acme"} {
		name := "service-jiucom-" + service + "-data"
		want = append(want, rules.Violation{URN: p.named(t, rules.VolumeType, name).URN,
			Message: name + `: data volume jiucom-` + service + `-data on docker host "ssh://jiu@192.168.0.30" (provider service-docker) has no backup container beside it, so nothing backs it up (fix: run the backup record on every engine with data — DataHosts — or set backup.enabled false)`})
	}
	assert.ElementsMatch(t, want, got)

	// Elasticsearch's volume is in the set too (backed up through its
	// snapshots): without the monitoring host's backup container it is
	// reported with the others there.
	got = validateStack(t, p.settings, rules.PolicyBackedUp, dropped(t, p, container, "backup-monitoring-container"))
	es := p.named(t, rules.VolumeType, "monitoring-jiucom-elasticsearch-data")
	assert.True(t, slices.ContainsFunc(got, func(v rules.Violation) bool { return v.URN == es.URN }), "%v", got)

	// A backup container that lost one mount; while the name is still
	// computed (a preview) the rule cannot tell and stays quiet.
	backup := p.named(t, container, "backup-monitoring-container")
	require.Equal(t, "jiucom-grafana-data", text(t, backup, "volumes", 1, "volumeName"))
	grafana := p.named(t, rules.VolumeType, "monitoring-jiucom-grafana-data")
	got = validateStack(t, p.settings, rules.PolicyBackedUp, replaced(p.resources, set(t, backup, str("jiucom-scratch"), "volumes", 1, "volumeName")))
	assert.Equal(t, []rules.Violation{{URN: grafana.URN,
		Message: `monitoring-jiucom-grafana-data: jiucom-backup on docker host "ssh://jiu@192.168.0.20" (provider monitoring-docker) does not mount data volume jiucom-grafana-data, so its service is left out of the backups (fix: mount every data volume of its engine in the backup container, as backupSpec does)`}}, got)
	assert.Empty(t, validateStack(t, p.settings, rules.PolicyBackedUp, replaced(p.resources, set(t, backup, property.New(property.Computed), "volumes", 1, "volumeName"))))
}

// dev turns backups off: no backup container, and nothing to report until
// the stack says backups are on.
func TestDataVolumesBackedUpFollowsBackupEnabled(t *testing.T) {
	p := programFor(t, "dev")
	require.False(t, p.settings.BackupEnabled, "Pulumi.dev.yaml sets backup.enabled false")
	assert.Empty(t, validateStack(t, p.settings, rules.PolicyBackedUp, p.resources))
	on := p.settings
	on.BackupEnabled = true
	got := validateStack(t, on, rules.PolicyBackedUp, p.resources)
	volumes := 0
	for _, v := range p.rec.OfType(rules.VolumeType) {
		if _, data := services.DataVolumeService(harness.Str(v.Inputs["name"])); data {
			volumes++
		}
	}
	require.NotZero(t, volumes)
	assert.Len(t, got, volumes, "every data volume of the one engine")

	in, err := harness.StackInput("dev")
	require.NoError(t, err)
	values := maps.Clone(in.Values)
	values[config.KeyBackup] = `{"enabled": true}`
	enabled := runProgram(t, "dev", values)
	require.True(t, enabled.settings.BackupEnabled)
	assert.Empty(t, validateStack(t, enabled.settings, rules.PolicyBackedUp, enabled.resources), "the program backs up every data volume it creates")
}
