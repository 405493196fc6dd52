package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Root is the repository root (where Pulumi.yaml lives).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// TestSecrets are stand-ins for the values `make dev-up` generates; tests
// look for them to prove no secret leaks into plain state.
var TestSecrets = map[string]string{
	config.KeyGrafanaAdminPassword:    "test-grafana-Secret-1",
	config.KeyMySQLRootPassword:       "test-mysql-root-Secret-2",
	config.KeyMySQLPassword:           "test-mysql-app-Secret-3",
	config.KeyRedisPassword:           "test-redis-Secret-4",
	config.KeyMySQLExporterPassword:   "test-exporter-Secret-5",
	config.KeyEdgeSSHPrivateKey:       "-----BEGIN OPENSSH PRIVATE KEY----- test-edge-Secret-6",
	config.KeySlackWebhookURL:         "https://hooks.slack.com/services/test-slack-Secret-7",
	config.KeySMTPPassword:            "test-smtp-Secret-8",
	config.KeyResticPassword:          "test-restic-Secret-9",
	config.KeyMySQLBackupPassword:     "test-backup-Secret-10",
	config.KeyElasticPassword:         "test-elastic-Secret-11",
	config.KeyZipkinElasticPassword:   "test-zipkin-es-Secret-12",
	config.KeyElasticExporterPassword: "test-es-exporter-Secret-13",
	config.KeyGrafanaSMTPPassword:     "test-grafana-smtp-Secret-14",
}

// StackInput reads Pulumi.<stack>.yaml over the defaults Pulumi.yaml
// declares, as the CLI hands them to the program, and adds TestSecrets as
// secrets.
func StackInput(stackName string) (config.Input, error) {
	in := config.Input{Stack: stackName, Values: map[string]string{}, Secrets: map[string]bool{}}
	var project struct {
		Config map[string]struct {
			Default any `yaml:"default"`
		} `yaml:"config"`
	}
	if err := readYAML("Pulumi.yaml", &project); err != nil {
		return in, err
	}
	for key, decl := range project.Config {
		if decl.Default != nil {
			if err := setValue(in.Values, key, decl.Default); err != nil {
				return in, err
			}
		}
	}
	var stack struct {
		Config map[string]any `yaml:"config"`
	}
	if err := readYAML("Pulumi."+stackName+".yaml", &stack); err != nil {
		return in, err
	}
	for key, v := range stack.Config {
		if err := setValue(in.Values, strings.TrimPrefix(key, Project+":"), v); err != nil {
			return in, err
		}
	}
	for key, v := range TestSecrets {
		in.Values[key] = v
		in.Secrets[key] = true
	}
	return in, nil
}

func readYAML(name string, into any) error {
	data, err := os.ReadFile(filepath.Join(Root(), name))
	if err != nil {
		return fmt.Errorf("harness: %w", err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		return fmt.Errorf("harness: %s: %w", name, err)
	}
	return nil
}

// setValue stores a value as the engine passes it: scalars as text, objects
// and arrays as JSON.
func setValue(values map[string]string, key string, v any) error {
	switch v := v.(type) {
	case string:
		values[key] = v
	case map[string]any, []any:
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("harness: %s: %w", key, err)
		}
		values[key] = string(data)
	default:
		values[key] = fmt.Sprint(v)
	}
	return nil
}
