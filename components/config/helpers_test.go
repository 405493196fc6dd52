package config

import "encoding/json"

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
