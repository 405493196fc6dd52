package assets

import "embed"

// NginxMon holds nginx_mon's config template (rendered by components/nginxmon).
//
//go:embed nginxmon/*
var NginxMon embed.FS
