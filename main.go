// Command jiucom-infra is the Pulumi program: it loads the stack's typed
// configuration and builds the platform with stack.Deploy.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/components/stack"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg, err := config.Load(ctx, services.Catalog())
		if err != nil {
			return err
		}
		_, err = stack.Deploy(ctx, cfg)
		return err
	})
}
