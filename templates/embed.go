// Package templates holds the HTML and email templates, embedded in the binary.
package templates

import "embed"

// FS holds every template file; the web package parses one set per page from it.
//
//go:embed *.html pages/*.html embed/*.html email/*
var FS embed.FS
