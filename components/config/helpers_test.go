package config_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

// requireProblemAt parses in and requires a problem naming key, every
// problem with a fix.
func requireProblemAt(t *testing.T, in Input, key string) {
	t.Helper()
	_, err := Parse(in, services.Catalog())
	var ps Problems
	require.True(t, errors.As(err, &ps), "want Problems, got %v", err)
	assert.Contains(t, ps.Keys(), key)
	for _, p := range ps {
		assert.NotEmpty(t, p.Fix, "problem %s says how to fix it", p)
	}
	t.Log(err)
}

// topLevelFields splits a JSON object into its fields' raw JSON.
func topLevelFields(obj string) map[string]string {
	raw := map[string]json.RawMessage{}
	_ = json.Unmarshal([]byte(obj), &raw)
	out := map[string]string{}
	for k, v := range raw {
		out[k] = string(v)
	}
	return out
}
