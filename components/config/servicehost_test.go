package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

const jenkins = `{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/",
  "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"], "data": "/var/jenkins_home"}`

func TestServiceHostSettingsParse(t *testing.T) {
	in := validInput()
	in.Values[KeyExtraServices] = "[" + jenkins + "]"
	in.Values[KeyGateway] = `{"tls": {"certificate": "/etc/letsencrypt/live/a/fullchain.pem", "key": "/etc/letsencrypt/live/a/privkey.pem"}}`
	in.Values[KeyRedis] = `{"persistence": "rdb"}`
	acmeOff(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, RedisRDB, s.Redis.Persistence)
	assert.Equal(t, "/etc/letsencrypt/live/a/privkey.pem", s.Gateway.TLS.Key)
	assert.False(t, s.Gateway.TLS.SelfSigned())
	assert.Equal(t, "/var/www/acme", s.Gateway.TLS.ACMEWebroot, "nginx_mon's defaults")
	e, ok := s.Extra("jenkins")
	require.True(t, ok)
	assert.Equal(t, "/jenkins/", e.Path)
	// An extra service joins the placement, image and resource tables.
	assert.Equal(t, Service, s.Placement["jenkins"])
	assert.Equal(t, "jenkins/jenkins:2.479.2-lts", s.Images["jenkins"])
	assert.Equal(t, Resources{CPULimitMilli: 1000, CPUReservationMilli: 250, MemoryLimitMiB: 1024, MemoryReservationMiB: 256}, s.Resources["jenkins"])

	defaults, err := Parse(validInput(), services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, RedisAOF, defaults.Redis.Persistence)
	assert.True(t, defaults.Gateway.TLS.ACME, "the ACME client's certificate unless acme is off")
}

// extraService is a valid extra service with a JSON patch applied (a later
// duplicate key wins or merges, as encoding/json decodes it).
func extraService(patch string) func(Input) {
	return set(KeyExtraServices, `[{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/",
	  "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"]`+patch+`}]`)
}

// serviceHostCases join TestConfigRejectsBadInputNamingTheKey's table.
var serviceHostCases = []struct {
	name   string
	key    string
	mutate func(in Input)
}{
	{"unknown persistence", "redis.persistence", set(KeyRedis, `{"persistence": "sometimes"}`)},
	{"relative gateway certDir", "gateway.tls.certDir", set(KeyGateway, `{"tls": {"certDir": "certs", "certificate": "certs/a.pem", "key": "certs/k.pem"}}`)},
	{"gateway certificate outside certDir", "gateway.tls.certificate", set(KeyGateway, `{"tls": {"certificate": "/etc/letsencrypt/../a.pem", "key": "/etc/letsencrypt/k.pem"}}`)},
	{"gateway key without certificate", "gateway.tls", set(KeyGateway, `{"tls": {"key": "/etc/letsencrypt/k.pem"}}`)},
	{"relative gateway webroot", "gateway.tls.acmeWebroot", set(KeyGateway, `{"tls": {"acmeWebroot": "www"}}`)},
	{"extra service with a platform name", "extraServices[0].name", extraService(`, "name": "grafana"`)},
	{"extra service floating image", "extraServices[0].image", extraService(`, "image": "jenkins/jenkins:latest"`)},
	{"extra service without port", "extraServices[0].port", extraService(`, "port": 0`)},
	{"extra service with path and host", "extraServices[0]", extraService(`, "host": "ci.example.com"`)},
	{"extra service on the gateway's prefix", "extraServices[0].path", extraService(`, "path": "/grafana/"`)},
	{"extra service without healthcheck", "extraServices[0].health", extraService(`, "health": []`)},
	{"extra service without memory limit", "extraServices[0].resources.memory", extraService(`, "resources": {"cpu": "1", "memory": ""}`)},
	{"extra service on an unknown role", "extraServices[0].role", extraService(`, "role": "edge"`)},
	{"extra service relative data path", "extraServices[0].data", extraService(`, "data": "jenkins_home"`)},
	{"exporter password breaks my.cnf", KeyMySQLExporterPassword, set(KeyMySQLExporterPassword, `pa"ss#word`)},
}

func TestExtraServicesCountTowardsHostCapacity(t *testing.T) {
	in := validInput()
	in.Values[KeyExtraServices] = `[{"name": "big", "image": "busybox:1.36.1", "port": 80, "path": "/big/", "health": ["CMD", "true"],
	  "resources": {"cpu": "8", "memory": "16GB", "memoryReservation": "15GB"}}]`
	_, err := Parse(in, services.Catalog())
	var ps Problems
	require.ErrorAs(t, err, &ps)
	assert.Contains(t, ps.Keys(), "hosts.service.memory")
}
