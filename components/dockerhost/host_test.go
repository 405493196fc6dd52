package dockerhost

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidate(t *testing.T) {
	assert.NoError(t, Validate(Args{Endpoint: "ssh://jiu@192.168.0.20", Volumes: []string{"a", "b"}}))
	assert.Error(t, Validate(Args{Endpoint: "tcp://192.168.0.20:2375"}), "plain TCP engines are refused")
	assert.Error(t, Validate(Args{Endpoint: "unix:///var/run/docker.sock", Volumes: []string{"a", "a"}}), "repeated volume")
	assert.Error(t, Validate(Args{Endpoint: "unix:///var/run/docker.sock", Volumes: []string{""}}), "empty volume name")
}
