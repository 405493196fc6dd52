package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
)

// remoteCandidate is where the config lands before push.sh tests it. The SFTP
// copy runs as the SSH user and cannot write /etc/nginx; push.sh copies it
// into place itself before testing, so what is tested is what goes live.
const remoteCandidate = "/tmp/jiucom-edge-nginx.conf"

// sshConnection is the push's connection. The key is wrapped as a secret so
// it never shows in state or previews in the clear; the long dial budget
// rides out a fresh VM whose sshd is not up yet.
func sshConnection(s SSHArgs, host pulumi.StringInput) remote.ConnectionArgs {
	key := pulumi.ToSecret(s.PrivateKey).(pulumi.StringOutput)
	return remote.ConnectionArgs{
		Host:           host,
		Port:           pulumi.Float64(float64(s.Port)),
		User:           pulumi.String(s.User),
		PrivateKey:     key.ToStringPtrOutput(),
		DialErrorLimit: pulumi.Int(60),
		PerDialTimeout: pulumi.Int(15),
	}
}

// push gates on readiness, copies the config and swaps it in with push.sh.
// readyMarker is the startup script's marker to wait for ("" for a VPS that
// is already set up); readyTriggers re-run the gate when the host changes
// (a new VM). Returns the push command.
func (e *Edge) push(ctx *pulumi.Context, name string, conn remote.ConnectionArgs, config, readyMarker string,
	readyTriggers pulumi.Array, after []pulumi.Resource) (*remote.Command, error) {
	readyScript, err := assets.Edge.ReadFile("edge/ready.sh")
	if err != nil {
		return nil, fmt.Errorf("read ready.sh: %w", err)
	}
	pushScript, err := assets.Edge.ReadFile("edge/push.sh")
	if err != nil {
		return nil, fmt.Errorf("read push.sh: %w", err)
	}

	ready, err := remote.NewCommand(ctx, name+"-ready", &remote.CommandArgs{
		Connection: conn,
		Create:     pulumi.String("sudo -n sh -s -- " + readyMarker),
		Stdin:      pulumi.String(readyScript),
		Triggers:   readyTriggers,
	}, pulumi.Parent(e), pulumi.DependsOn(after))
	if err != nil {
		return nil, fmt.Errorf("readiness check: %w", err)
	}

	// A new host (new ready ID) or new content re-runs the copy and the push;
	// nothing else in the graph depends on the content.
	triggers := pulumi.Array{pulumi.String(contentHash(config, string(pushScript))), ready.ID()}
	copied, err := remote.NewCopyToRemote(ctx, name+"-config", &remote.CopyToRemoteArgs{
		Connection: conn,
		Source:     pulumi.NewStringAsset(config),
		RemotePath: pulumi.String(remoteCandidate),
		Triggers:   triggers,
	}, pulumi.Parent(e), pulumi.DependsOn([]pulumi.Resource{ready}))
	if err != nil {
		return nil, fmt.Errorf("copy config: %w", err)
	}
	cmd, err := remote.NewCommand(ctx, name+"-push", &remote.CommandArgs{
		Connection: conn,
		Create:     pulumi.String("sudo -n sh -s -- " + remoteCandidate),
		Stdin:      pulumi.String(pushScript),
		Triggers:   triggers,
	}, pulumi.Parent(e), pulumi.DependsOn([]pulumi.Resource{copied}))
	if err != nil {
		return nil, fmt.Errorf("push config: %w", err)
	}
	return cmd, nil
}

func contentHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
