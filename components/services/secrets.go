package services

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/container"
)

// secretDir holds the files secrets are uploaded to inside containers;
// images read them through their *_FILE variables or option files, so
// passwords stay out of `docker inspect`, command lines and logs.
const secretDir = "/run/secrets/"

// secretFile renders a secret into a file's content, keeping it secret.
func secretFile(path string, secret pulumi.StringOutput, render func(string) string) container.File {
	return container.File{Path: path, Content: pulumi.ToSecret(secret.ApplyT(render)).(pulumi.StringOutput)}
}
