package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/feed"
	"github.com/traininghub/traininghub/internal/httpx"
)

// feedMaxAge lets calendar apps, partners' sites and caches between keep a feed for five
// minutes: places left can lag that much, and a busy partner page costs one request per
// cache, not one per visitor.
const feedMaxAge = 300

// What a feed or embed address is scoped by, from the segment before its :id.
const (
	byAll      = ""
	byCourse   = "course"
	byProvider = "provider"
)

// feedScope reads the scope from the address.
func feedScope(c *gin.Context, by string) (feed.Scope, error) {
	if by == byAll {
		return feed.Scope{}, nil
	}
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		return feed.Scope{}, feed.ErrNotFound
	}
	if by == byCourse {
		return feed.Scope{CourseID: id}, nil
	}
	return feed.Scope{ProviderID: id}, nil
}

// feedLinks are the addresses listings point to: the site's base, and the host that
// completes UIDs (from the configured base URL only, as the invites' UIDs are).
func (h *Handler) feedLinks(c *gin.Context) feed.Links {
	return feed.Links{Base: h.siteBase(c), Host: h.calendarHost()}
}

// sessionsICS serves a listing as an iCalendar feed.
func (h *Handler) sessionsICS(by string) gin.HandlerFunc {
	return func(c *gin.Context) {
		l, ok := h.feedListing(c, by, false)
		if !ok {
			return
		}
		body, err := l.ICS(h.feedLinks(c))
		if err != nil {
			h.feedError(c, err, false)
			return
		}
		c.Header("Content-Disposition", `inline; filename="training-dates.ics"`)
		servePublic(c, "text/calendar; charset=utf-8", body, feedMaxAge)
	}
}

// sessionsJSON serves a listing as the versioned JSON document (docs/feeds.md).
func (h *Handler) sessionsJSON(by string) gin.HandlerFunc {
	return func(c *gin.Context) {
		l, ok := h.feedListing(c, by, true)
		if !ok {
			return
		}
		body, err := json.Marshal(l.JSON(h.feedLinks(c)))
		if err != nil {
			h.feedError(c, err, true)
			return
		}
		// Public data with no cookies involved: a partner's own script may read it.
		c.Header("Access-Control-Allow-Origin", "*")
		servePublic(c, "application/json; charset=utf-8", body, feedMaxAge)
	}
}

func (h *Handler) feedListing(c *gin.Context, by string, asJSON bool) (feed.Listing, bool) {
	scope, err := feedScope(c, by)
	if err == nil {
		var l feed.Listing
		if l, err = h.Feeds.Listing(c.Request.Context(), scope); err == nil {
			return l, true
		}
	}
	h.feedError(c, err, asJSON)
	return feed.Listing{}, false
}

// feedError answers a feed reader in its own format: a calendar app cannot show a page.
func (h *Handler) feedError(c *gin.Context, err error, asJSON bool) {
	pe := httpx.Classify(c, h.Log, err)
	if asJSON {
		c.Header("Access-Control-Allow-Origin", "*")
		c.JSON(pe.Status, gin.H{"error": gin.H{"code": pe.Code, "message": pe.Message}})
		return
	}
	c.String(pe.Status, pe.Message+"\n")
}

// servePublic answers with bytes that are the same for everyone and hold no personal
// data: shared caches may keep them for maxAge seconds, and a client that has them
// already (If-None-Match) gets 304 Not Modified.
func servePublic(c *gin.Context, contentType string, body []byte, maxAge int) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Header("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
	c.Header("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, contentType, body)
}
