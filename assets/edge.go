package assets

import "embed"

// Edge holds the edge proxy's files: the nginx config template rendered by
// components/edge, the VM startup script and the safe-push script run over SSH.
//
//go:embed edge/*
var Edge embed.FS
