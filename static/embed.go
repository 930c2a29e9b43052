// Package static holds the stylesheet, images and the little script there is.
package static

import "embed"

// FS is served under /static/ with long cache lifetimes.
//
//go:embed *.css *.svg
var FS embed.FS
