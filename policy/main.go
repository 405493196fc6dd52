// Command policy is the jiucom-infra policy pack, run by the Pulumi CLI with
// `pulumi preview --policy-pack policy`. The policies live in policy/rules.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/jiucom/jiucom-infra/policy/rules"
)

func main() {
	if err := policyx.Main(rules.PackFor); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
