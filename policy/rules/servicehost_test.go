package rules_test

import (
	"testing"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/policy/rules"
)

// The service host's optional shapes pass the pack too: TLS from certbot's
// directory (the ACME client off) and extra services added by config.
func TestServiceHostOptionsPassEveryPolicy(t *testing.T) {
	p := programWith(t, "prod", map[string]string{
		config.KeyACME: `{"enabled": false}`,
		config.KeyGateway: `{"tls": {"certificate": "/etc/letsencrypt/live/api.jiucom.example/fullchain.pem",
	  "key": "/etc/letsencrypt/live/api.jiucom.example/privkey.pem"}}`,
		config.KeyExtraServices: `[{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/",
	  "resources": {"cpu": "1", "memory": "1GB"}, "data": "/var/jenkins_home", "health": ["CMD", "curl", "-fsS", "http://127.0.0.1:8080/jenkins/login"]}]`,
	})
	// An extra service needs its own ceiling in the policy config.
	p.settings.DefaultCeilings["jenkins"] = rules.Amount{CPUMilli: 1000, MemoryMiB: 1024}
	assertPassesPack(t, p)
}
