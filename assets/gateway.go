package assets

import "embed"

// Gateway holds the service host's nginx API gateway template, rendered by
// components/gateway.
//
//go:embed gateway/*
var Gateway embed.FS
