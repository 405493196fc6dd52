package stack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Teardown is what `pulumi destroy` does to the data of a stack. Deploy
// creates the volumes from it and exports it, so the operator reads (in
// `pulumi stack output` and the destroy script) exactly what the volumes'
// retainOnDelete flags will do.
type Teardown struct {
	// Retained is true when destroy leaves the volumes on their engines.
	Retained bool
	// Volumes are the docker volume names by engine name.
	Volumes map[string][]string
}

// PlanTeardown lists the data volumes of every engine and whether destroy
// keeps them.
func PlanTeardown(cfg *config.Stack) Teardown {
	t := Teardown{Retained: cfg.RetainData, Volumes: map[string][]string{}}
	for _, e := range cfg.Engines() {
		for _, service := range dataServices {
			if onEngine(cfg, service, e) {
				t.Volumes[e.Name] = append(t.Volumes[e.Name], dataVolume(service))
			}
		}
	}
	return t
}

func onEngine(cfg *config.Stack, service string, e config.Engine) bool {
	for _, r := range e.Roles {
		if cfg.Placement[service] == r {
			return true
		}
	}
	return false
}

// Notice is the sentence the stack exports as `teardown`: what destroy does
// to the data and the one explicit way to change that.
func (t Teardown) Notice(stackName string) string {
	var where []string
	engines := make([]string, 0, len(t.Volumes))
	for e := range t.Volumes {
		engines = append(engines, e)
	}
	sort.Strings(engines)
	for _, e := range engines {
		where = append(where, fmt.Sprintf("%s (engine %s)", strings.Join(t.Volumes[e], ", "), e))
	}
	volumes := strings.Join(where, "; ")
	if t.Retained {
		return fmt.Sprintf("pulumi destroy KEEPS the data volumes %s with their data; they only leave the state and the next pulumi up re-attaches them. "+
			"To delete the data too: make destroy STACK=%s DELETE_DATA=yes", volumes, stackName)
	}
	return fmt.Sprintf("pulumi destroy DELETES the data volumes %s and all their data (retainDataOnDestroy is false). "+
		"To keep them: pulumi config set retainDataOnDestroy true -s %s, then pulumi up -s %s", volumes, stackName, stackName)
}
