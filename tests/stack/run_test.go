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
