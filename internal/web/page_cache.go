package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/httpx"
)

// pageCache keeps whole rendered pages that are the same for every visitor who is not
// signed in (the catalogue, course pages), with their gzipped bytes and an ETag, so the
// busiest pages cost little more than a copy. An entry serves only while no write has
// committed since it was rendered (the store's Generation) and for at most pageCacheTTL,
// because dates drop out of the catalogue as their booking closes. Signed-in visitors'
// pages carry their own marks and are rendered for them each time.
type pageCache struct {
	mu      sync.Mutex
	entries map[string]*cachedPage
}

// cachedPage is one rendered page in both encodings.
type cachedPage struct {
	generation uint64
	at         time.Time
	body, gz   []byte
	etag       string // of body; the gzipped bytes are a different representation: etag+"-gz"
}

const (
	pageCacheTTL        = time.Second
	pageCacheMaxEntries = 512
)

func (pc *pageCache) get(key string, gen uint64, now time.Time) (*cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.entries[key]
	if !ok || p.generation != gen || now.Sub(p.at) >= pageCacheTTL || now.Before(p.at) {
		return nil, false
	}
	return p, true
}

func (pc *pageCache) put(key string, p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.entries == nil || len(pc.entries) >= pageCacheMaxEntries {
		pc.entries = make(map[string]*cachedPage) // a flood of odd queries cannot grow it without bound
	}
	pc.entries[key] = p
}

// newCachedPage gzips and tags a rendered page once, for every visitor it will serve.
func newCachedPage(body []byte, gen uint64, now time.Time) *cachedPage {
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // once per entry, so the smallest
	_, _ = w.Write(body)
	_ = w.Close()
	sum := sha256.Sum256(body)
	return &cachedPage{generation: gen, at: now, body: body, gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// sharedPage reports whether this request may be answered from, and fill, the shared
// cache: nobody signed in and no message waiting to be shown once.
func (h *Handler) sharedPage(c *gin.Context) bool {
	return httpx.CurrentUser(c) == nil && !h.Sessions.Exists(c.Request.Context(), sessionFlash)
}

// pageKey names a shared page by its address.
func pageKey(c *gin.Context) string { return c.Request.URL.Path + "?" + c.Request.URL.RawQuery }

// serveCachedPage answers from the cache: 304 when the browser has these bytes already,
// otherwise the gzipped or plain bytes as the browser accepts.
func serveCachedPage(c *gin.Context, p *cachedPage) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-cache") // always ask again, so nobody is shown a stale page
	h.Add("Vary", "Accept-Encoding")
	gz := httpx.AcceptsGzip(c.GetHeader("Accept-Encoding"))
	etag := p.etag
	if gz {
		etag = strings.TrimSuffix(p.etag, `"`) + `-gz"`
	}
	h.Set("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if gz {
		h.Set("Content-Encoding", "gzip")
		c.Data(http.StatusOK, "text/html; charset=utf-8", p.gz)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", p.body)
}

// etagMatches reads If-None-Match: a list of tags, weak or strong, or "*".
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// cachedOrRender serves a shared page from the cache, or renders it with build and keeps
// it; pages for signed-in visitors are rendered as usual. build returns the page's
// status, template and data; only a 200 is kept.
func (h *Handler) cachedOrRender(c *gin.Context, build func() (int, string, Page, error)) {
	shared := h.sharedPage(c)
	gen, now := h.Courses.DB.Generation(), h.Now()
	if shared {
		if p, ok := h.pages.get(pageKey(c), gen, now); ok {
			serveCachedPage(c, p)
			return
		}
	}
	status, name, page, err := build()
	if err != nil {
		h.fail(c, err)
		return
	}
	if !shared || status != http.StatusOK {
		h.page(c, status, name, page)
		return
	}
	body, ok := h.renderPage(c, name, page)
	if !ok {
		c.String(http.StatusInternalServerError, "Something went wrong on our side.")
		return
	}
	p := newCachedPage(body, gen, now)
	h.pages.put(pageKey(c), p)
	serveCachedPage(c, p)
}
