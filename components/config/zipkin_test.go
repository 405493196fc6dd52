package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

func without(keys ...string) func(Input) {
	return func(in Input) {
		for _, k := range keys {
			delete(in.Values, k)
		}
	}
}

func TestZipkinStorageDefaultsToElasticsearchFor7Days(t *testing.T) {
	s, err := Parse(validInput(), services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, ZipkinElasticsearch, s.Zipkin.Storage)
	assert.True(t, s.Zipkin.Durable())
	assert.Equal(t, 7, s.Zipkin.RetentionDays)

	in := validInput()
	set(KeyZipkin, `{"retention": "30d"}`)(in)
	s, err = Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, 30, s.Zipkin.RetentionDays)
}

func TestZipkinChecks(t *testing.T) {
	elastic := []string{KeyElasticPassword, KeyZipkinElasticPassword, KeyElasticExporterPassword}
	cases := []checkCase{
		{"in memory needs no Elasticsearch secret", "", "", all(set(KeyZipkin, `{"storage": "mem"}`), without(elastic...))},
		{"unknown storage", "zipkin.storage", `unknown storage "cassandra"`, set(KeyZipkin, `{"storage": "cassandra"}`)},
		{"empty storage", "zipkin.storage", "is set but empty", set(KeyZipkin, `{"storage": ""}`)},
		{"retention not in days", "zipkin.retention", `"2w" is not a number of days`, set(KeyZipkin, `{"retention": "2w"}`)},
		{"retention of no day", "zipkin.retention", "would delete every trace", set(KeyZipkin, `{"retention": "0d"}`)},
		{"retention not a string", "zipkin.retention", "", set(KeyZipkin, `{"retention": 7}`)},
		{"elastic password missing", KeyElasticPassword, "missing secret", without(KeyElasticPassword)},
		{"writer password missing", KeyZipkinElasticPassword, "missing secret", without(KeyZipkinElasticPassword)},
		{"exporter password missing", KeyElasticExporterPassword, "missing secret", without(KeyElasticExporterPassword)},
		{"password in plain text", KeyZipkinElasticPassword, "must be a secret", func(in Input) { in.Secrets[KeyZipkinElasticPassword] = false }},
		{"password too short", KeyElasticExporterPassword, "shorter than 6", set(KeyElasticExporterPassword, "abc")},
	}
	runCheckCases(t, cases)
}

// Services that do not run reserve nothing: the same hosts hold the
// stack in memory and refuse it with Elasticsearch's reservations on top.
func TestElasticsearchCountsAgainstCapacityOnlyWhenOn(t *testing.T) {
	in := validInput()
	set(KeyResources, `{"elasticsearch": {"memoryReservation": "15GB", "memory": "15GB"}}`)(in)
	requireProblemAt(t, in, "hosts.monitoring.memory")
	set(KeyZipkin, `{"storage": "mem"}`)(in)
	_, err := Parse(in, services.Catalog())
	require.NoError(t, err)
}
