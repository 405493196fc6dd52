package services

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// BackupRepoVolume holds a volume repository on each engine with a backup.
const BackupRepoVolume = ContainerPrefix + "backup-repo"

const gcsKeyFile = secretDir + "gcs-key.json"

// backupRepo is how the backup container reaches the stack's repository.
type backupRepo struct {
	env    map[string]string
	files  []container.File
	mounts []container.Mount
}

// noncurrentDays is how long a deleted or overwritten object version stays
// (restic rewrites its index and prunes packs; versions guard against a
// compromised key deleting the repository).
const noncurrentDays = 30

// backupRepository is the repository for an instance: a docker volume on
// its engine, or the stack's one GCS bucket (created once).
func (e *Env) backupRepository(in Instance) (backupRepo, error) {
	b := e.Cfg.Backup
	if b.Repository == config.BackupToVolume {
		return backupRepo{
			env:    map[string]string{"RESTIC_REPOSITORY": "/repo"},
			mounts: []container.Mount{{Volume: e.HostFor(in.Role).Volumes[BackupRepoVolume].Name, Target: "/repo"}},
		}, nil
	}
	if e.gcsKey == nil {
		key, err := newBackupBucket(e.Ctx, b.GCS, e.Cfg.RetainData)
		if err != nil {
			return backupRepo{}, err
		}
		e.gcsKey = &key
	}
	return backupRepo{
		env: map[string]string{
			"RESTIC_REPOSITORY":              fmt.Sprintf("gs:%s:/restic", b.GCS.Bucket),
			"GOOGLE_PROJECT_ID":              b.GCS.Project,
			"GOOGLE_APPLICATION_CREDENTIALS": gcsKeyFile,
		},
		files: []container.File{{Path: gcsKeyFile, Content: *e.gcsKey, Mode: "0400"}},
	}, nil
}

// newBackupBucket creates the bucket (uniform access, never public,
// versioned) and a service account that may only use its objects, and
// returns that account's key file, secret.
func newBackupBucket(ctx *pulumi.Context, g config.BackupGCS, retain bool) (pulumi.StringOutput, error) {
	bucket, err := storage.NewBucket(ctx, "backup-bucket", &storage.BucketArgs{
		Name:                     pulumi.String(g.Bucket),
		Project:                  pulumi.String(g.Project),
		Location:                 pulumi.String(g.Location),
		UniformBucketLevelAccess: pulumi.Bool(true),
		PublicAccessPrevention:   pulumi.String("enforced"),
		Versioning:               &storage.BucketVersioningArgs{Enabled: pulumi.Bool(true)},
		LifecycleRules: storage.BucketLifecycleRuleArray{&storage.BucketLifecycleRuleArgs{
			Action:    &storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")},
			Condition: &storage.BucketLifecycleRuleConditionArgs{DaysSinceNoncurrentTime: pulumi.Int(noncurrentDays), WithState: pulumi.String("ARCHIVED")},
		}},
		// Destroy deletes the backups only when asked, as it does volumes.
		ForceDestroy: pulumi.Bool(!retain),
	}, pulumi.RetainOnDelete(retain))
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("backup bucket: %w", err)
	}
	account, err := serviceaccount.NewAccount(ctx, "backup-sa", &serviceaccount.AccountArgs{
		Project:     pulumi.String(g.Project),
		AccountId:   pulumi.String("jiucom-backup"),
		DisplayName: pulumi.String("jiucom backups (objects of one bucket only)"),
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("backup service account: %w", err)
	}
	if _, err := storage.NewBucketIAMMember(ctx, "backup-objects", &storage.BucketIAMMemberArgs{
		Bucket: bucket.Name,
		Role:   pulumi.String("roles/storage.objectAdmin"),
		Member: pulumi.Sprintf("serviceAccount:%s", account.Email),
	}); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("backup bucket access: %w", err)
	}
	key, err := serviceaccount.NewKey(ctx, "backup-key", &serviceaccount.KeyArgs{ServiceAccountId: account.Name})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("backup key: %w", err)
	}
	file := key.PrivateKey.ApplyT(func(b64 string) (string, error) {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", fmt.Errorf("backup key: %w", err)
		}
		return string(raw), nil
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(file).(pulumi.StringOutput), nil
}

// HoldsData reports whether an engine has a data volume to back up.
func (e *Env) HoldsData(engine config.Engine) bool { return len(e.dataServicesOn(engine.Roles[0])) > 0 }

// VolumesOn are the data volumes to create on an engine: the placed
// services', the ACME pairs' and, for a volume repository, the backup's.
func (e *Env) VolumesOn(engine config.Engine) []string {
	var out []string
	for _, service := range e.dataServicesOn(engine.Roles[0]) {
		out = append(out, DataVolume(service))
	}
	out = append(out, e.acmeVolumesOn(engine)...)
	if e.Cfg.Backup.Enabled && e.HoldsData(engine) && e.Cfg.Backup.Repository == config.BackupToVolume {
		out = append(out, BackupRepoVolume)
	}
	return out
}
