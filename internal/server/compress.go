package server

import (
	"bufio"
	"compress/gzip"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/traininghub/traininghub/internal/httpx"
)

// compressible lists the response types worth gzipping: text that shrinks to a fifth or
// less. BestSpeed keeps the cost small: docs/performance.md has the figures.
// Images other than SVG, PDFs and calendar files are left alone.
var compressible = []string{"text/html", "text/css", "text/plain", "text/csv", "application/json", "image/svg+xml", "application/javascript", "text/javascript"}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// withGzip compresses text responses for clients that accept gzip. It decides when the
// status is written, from the Content-Type, so handlers need not know about it. Range
// requests pass through untouched: a byte range of a compressed body would be wrong.
func withGzip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" || !httpx.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipResponse{ResponseWriter: w}
		defer gw.finish()
		next.ServeHTTP(gw, r)
	})
}

// gzipResponse compresses the body once it knows the response is worth it.
type gzipResponse struct {
	http.ResponseWriter
	gz          *gzip.Writer
	wroteHeader bool
}

func (g *gzipResponse) WriteHeader(status int) {
	if g.wroteHeader {
		return
	}
	g.wroteHeader = true
	h := g.Header()
	if worthCompressing(status, h) {
		h.Add("Vary", "Accept-Encoding")
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			h.Set("ETag", "W/"+etag) // the bytes differ from the uncompressed ones
		}
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(status)
}

// worthCompressing: a body that exists, is not already encoded, and is text.
func worthCompressing(status int, h http.Header) bool {
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		status == http.StatusPartialContent || h.Get("Content-Encoding") != "" {
		return false
	}
	ct := strings.ToLower(h.Get("Content-Type"))
	for _, prefix := range compressible {
		if strings.HasPrefix(ct, prefix) {
			return true
		}
	}
	return false
}

func (g *gzipResponse) Write(b []byte) (int, error) {
	if !g.wroteHeader {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far, for handlers that stream.
func (g *gzipResponse) Flush() {
	if g.gz != nil {
		_ = g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack lets a handler take the connection over, as the wrapped writer would.
func (g *gzipResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(g.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// finish ends the gzip stream and returns the writer to the pool.
func (g *gzipResponse) finish() {
	if g.gz == nil {
		return
	}
	_ = g.gz.Close()
	g.gz.Reset(nil)
	gzipPool.Put(g.gz)
	g.gz = nil
}

// withHeadAsGet answers HEAD exactly as GET, headers and all, without a body: the route
// table only lists GET, and net/http drops the body of a HEAD answer itself.
func withHeadAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			get := r.WithContext(r.Context())
			get.Method = http.MethodGet
			r = get
		}
		next.ServeHTTP(w, r)
	})
}
