package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/feed"
	"github.com/traininghub/traininghub/internal/httpx"
)

// embedMaxAge lets browsers and caches keep an embedded listing for a minute: a partner's
// busy home page then costs little, and places left lag by at most that.
const embedMaxAge = 60

// embedData is what the embeddable listing shows.
type embedData struct {
	feed.Listing
	Heading   string
	Links     feed.Links
	OneCourse bool // the heading names the course, so the dates need not
	// OneProvider: the heading names who delivers the training, so the dates need not.
	OneProvider bool
	Missing     bool // the course or provider is not listed (any more)
	More        string
	MoreText    string
}

// embedListing serves the listing a partner shows on their own site in an iframe: a
// plain page of upcoming dates, each linking back here to book (in the whole window,
// not the frame). Only these addresses may be framed by other sites: see the server's
// security headers.
func (h *Handler) embedListing(by string) gin.HandlerFunc {
	return func(c *gin.Context) {
		links := h.feedLinks(c)
		d := embedData{Links: links, More: links.Base + "/courses", MoreText: "All courses and dates"}
		scope, err := feedScope(c, by)
		if err == nil {
			d.Listing, err = h.Feeds.Listing(c.Request.Context(), scope)
		}
		status := http.StatusOK
		switch {
		case err != nil && isNotFound(err):
			status, d.Missing, d.Title = http.StatusNotFound, true, "Training dates"
		case err != nil:
			pe := httpx.Classify(c, h.Log, err)
			c.String(pe.Status, pe.Message+"\n")
			return
		}
		d.Heading = d.Title
		switch {
		case scope.CourseID != 0 && !d.Missing:
			d.Heading, d.OneCourse = "Upcoming dates: "+d.Title, true
			d.More, d.MoreText = links.Course(scope.CourseID), "More about this course"
		case by == byAll:
			d.Heading = "Upcoming training"
		case by == byProvider:
			d.OneProvider = true
		}
		body, ok := h.renderAlone("listing", d)
		if !ok {
			c.String(http.StatusInternalServerError, "Something went wrong on our side.\n")
			return
		}
		if status != http.StatusOK {
			c.Data(status, "text/html; charset=utf-8", body)
			return
		}
		servePublic(c, "text/html; charset=utf-8", body, embedMaxAge)
	}
}
