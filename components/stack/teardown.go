package stack

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jiucom/jiucom-infra/components/services"
)

// Teardown is what `pulumi destroy` does to the data of a stack. It is read
// from the volumes Deploy registered, so what the operator is told (the
// `teardown` output, printed by the destroy script) is exactly what the
// volumes' retainOnDelete flags will do.
type Teardown struct {
	// Retained is true when destroy leaves the volumes on their engines.
	Retained bool
	// Volumes are the docker volume names by engine name, sorted.
	Volumes map[string][]string
}

func teardown(env *services.Env) Teardown {
	t := Teardown{Retained: env.Cfg.RetainData, Volumes: map[string][]string{}}
	for engine, h := range env.Hosts {
		for name := range h.Volumes {
			t.Volumes[engine] = append(t.Volumes[engine], name)
		}
		slices.Sort(t.Volumes[engine])
	}
	return t
}

// Notice is the sentence the stack exports as `teardown`: what destroy does
// to the data and the one explicit way to change that.
func (t Teardown) Notice(stackName string) string {
	var where []string
	for _, e := range slices.Sorted(maps.Keys(t.Volumes)) {
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
