package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const jenkins = `{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/",
  "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"], "data": "/var/jenkins_home"}`

func TestServiceHostSettingsParse(t *testing.T) {
	in := validInput()
	in.Values[KeyExtraServices] = "[" + jenkins + "]"
	in.Values[KeyGateway] = `{"tls": {"dir": "/etc/letsencrypt", "certificate": "live/a/fullchain.pem", "key": "live/a/privkey.pem"}}`
	in.Values[KeyRedis] = `{"persistence": "rdb"}`
	s, err := Parse(in)
	require.NoError(t, err)
	assert.Equal(t, RedisRDB, s.Redis.Persistence)
	assert.Equal(t, "live/a/privkey.pem", s.Gateway.TLS.Key)
	e, ok := s.Extra("jenkins")
	require.True(t, ok)
	assert.Equal(t, "/jenkins/", e.Path)
	// An extra service joins the placement, image and resource tables.
	assert.Equal(t, Service, s.Placement["jenkins"])
	assert.Equal(t, "jenkins/jenkins:2.479.2-lts", s.Images["jenkins"])
	assert.Equal(t, Resources{CPULimitMilli: 1000, CPUReservationMilli: 250, MemoryLimitMiB: 1024, MemoryReservationMiB: 256}, s.Resources["jenkins"])

	defaults, err := Parse(validInput())
	require.NoError(t, err)
	assert.Equal(t, RedisAOF, defaults.Redis.Persistence)
	assert.Nil(t, defaults.Gateway.TLS)
}

func TestServiceHostSettingsRejectBadInputNamingTheKey(t *testing.T) {
	extra := func(patch string) func(Input) {
		return set(KeyExtraServices, `[{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/",
		  "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"]`+patch+`}]`)
	}
	cases := []struct {
		name, key string
		mutate    func(Input)
	}{
		{"unknown persistence", "redis.persistence", set(KeyRedis, `{"persistence": "sometimes"}`)},
		{"relative TLS dir", "gateway.tls.dir", set(KeyGateway, `{"tls": {"dir": "certs", "certificate": "a.pem", "key": "k.pem"}}`)},
		{"certificate outside the TLS dir", "gateway.tls.certificate", set(KeyGateway, `{"tls": {"dir": "/etc/letsencrypt", "certificate": "../a.pem", "key": "k.pem"}}`)},
		{"relative webroot", "gateway.acmeWebroot", set(KeyGateway, `{"acmeWebroot": "www"}`)},
		{"platform name", "extraServices[0].name", extra(`, "name": "grafana"`)},
		{"floating image", "extraServices[0].image", extra(`, "image": "jenkins/jenkins:latest"`)},
		{"no port", "extraServices[0].port", extra(`, "port": 0`)},
		{"path and host", "extraServices[0]", extra(`, "host": "ci.example.com"`)},
		{"gateway's own prefix", "extraServices[0].path", extra(`, "path": "/grafana/"`)},
		{"no healthcheck", "extraServices[0].health", extra(`, "health": []`)},
		{"no limits", "extraServices[0].resources", extra(`, "resources": {"cpu": "1", "memory": ""}`)},
		{"unknown role", "extraServices[0].role", extra(`, "role": "edge"`)},
		{"relative data path", "extraServices[0].data", extra(`, "data": "jenkins_home"`)},
		{"exporter password breaks my.cnf", KeyMySQLExporterPassword, set(KeyMySQLExporterPassword, `pa"ss#word`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput()
			c.mutate(in)
			_, err := Parse(in)
			var ps Problems
			require.ErrorAs(t, err, &ps)
			assert.Contains(t, ps.Keys(), c.key)
			for _, p := range ps {
				assert.NotEmpty(t, p.Fix, p.Key)
			}
		})
	}
}

func TestExtraServicesCountTowardsHostCapacity(t *testing.T) {
	in := validInput()
	in.Values[KeyExtraServices] = `[{"name": "big", "image": "busybox:1.36.1", "port": 80, "path": "/big/", "health": ["CMD", "true"],
	  "resources": {"cpu": "8", "memory": "16GB", "memoryReservation": "15GB"}}]`
	_, err := Parse(in)
	var ps Problems
	require.ErrorAs(t, err, &ps)
	assert.Contains(t, ps.Keys(), "hosts.service.memory")
}
