package services

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The policy pack recognises data volumes by name alone: every record's data
// volume maps back to its service, and no other volume does.
func TestDataVolumeServiceInvertsDataVolume(t *testing.T) {
	data := 0
	for _, r := range Platform {
		if r.Data == "" {
			continue
		}
		data++
		service, ok := DataVolumeService(DataVolume(r.Name))
		assert.True(t, ok, r.Name)
		assert.Equal(t, r.Name, service)
	}
	assert.NotZero(t, data)
	for _, other := range []string{BackupRepoVolume, "jiucom--data", "mysql-data", "jiucom-mysql-data-old"} {
		_, ok := DataVolumeService(other)
		assert.False(t, ok, other)
	}
}
