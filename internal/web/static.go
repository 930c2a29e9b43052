package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// assets are the embedded static files with a fingerprint of each, so pages can link to
// /static/app.css?v=FINGERPRINT and browsers keep the file until it changes: the logo and
// stylesheet are fetched once, not on every page.
type assets map[string]asset

type asset struct {
	data        []byte
	fingerprint string
}

// loadAssets reads every file of fsys once at start-up.
func loadAssets(fsys fs.FS) (assets, error) {
	out := assets{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		out[name] = asset{data: data, fingerprint: hex.EncodeToString(sum[:6])}
		return nil
	})
	return out, err
}

// url is the address pages use for a static file: fingerprinted, so it can be cached
// for a year. An unknown name still gets a plain address (and a 404 when fetched).
func (a assets) url(name string) string {
	if f, ok := a[name]; ok {
		return "/static/" + name + "?v=" + f.fingerprint
	}
	return "/static/" + name
}

// serve answers GET (and so HEAD) /static/*filepath. A request naming the current
// fingerprint may be cached for a year; any other is revalidated with the ETag.
// Directories and unknown files are "not found", never a listing.
func (h *Handler) serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("filepath"), "/")
	f, ok := h.assets[name]
	if !ok {
		h.NotFound(c)
		return
	}
	hdr := c.Writer.Header()
	hdr.Set("ETag", `"`+f.fingerprint+`"`)
	if c.Query("v") == f.fingerprint {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(f.data))
}
