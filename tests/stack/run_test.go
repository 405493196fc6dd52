package stack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

func run(t *testing.T, stackName string) *harness.Recording {
	t.Helper()
	in, err := harness.StackInput(stackName)
	require.NoError(t, err)
	rec, err := harness.Run(stackName, in)
	require.NoError(t, err)
	return rec
}

func TestDevAndProdRun(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		require.NotEmpty(t, rec.OfType(containerType), stackName)
	}
}
