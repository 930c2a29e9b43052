package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/feed"
)

// shareView is one listing's public addresses and the snippet to paste into a website.
type shareView struct {
	Title   string
	Key     string // makes the snippet's field id unique on the page
	Embed   string
	ICS     string
	JSON    string
	Snippet string
}

func newShareView(sh feed.Share, k feed.Links) shareView {
	v := shareView{Title: sh.Title, Key: "all", Embed: k.Embed(sh.Scope),
		ICS: k.Feed(sh.Scope, "ics"), JSON: k.Feed(sh.Scope, "json")}
	switch {
	case sh.CourseID != 0:
		v.Key = "course-" + strconv.FormatInt(sh.CourseID, 10)
	case sh.ProviderID != 0:
		v.Key = "provider-" + strconv.FormatInt(sh.ProviderID, 10)
	}
	v.Snippet = feed.Snippet(v.Embed, "Upcoming training dates: "+sh.Title)
	return v
}

// adminSharing shows the partnership's admins how to put dates on other sites: the
// snippet for a web page and the calendar and JSON feeds, for all training, for each
// organisation that provides live courses, and for each live course.
func (h *Handler) adminSharing(c *gin.Context) {
	shares, err := h.Feeds.Shares(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	k := h.feedLinks(c)
	sections := []shareSection{{Heading: "All training"}, {Heading: "Training partners"}, {Heading: "Courses"}}
	for _, sh := range shares {
		i := 0
		switch {
		case sh.CourseID != 0:
			i = 2
		case sh.ProviderID != 0:
			i = 1
		}
		sections[i].Shares = append(sections[i].Shares, newShareView(sh, k))
	}
	sections = slices.DeleteFunc(sections, func(s shareSection) bool { return len(s.Shares) == 0 })
	h.page(c, http.StatusOK, "admin-sharing", Page{Title: "Share your dates", Data: sections})
}

// shareSection is one kind of listing on the sharing page.
type shareSection struct {
	Heading string
	Shares  []shareView
}

// partnerShare is the partner's own listing to share, or nil while none of their
// courses is live.
func (h *Handler) partnerShare(c *gin.Context, org account.Organisation) (*shareView, error) {
	scope := feed.Scope{ProviderID: org.ID}
	_, err := h.Feeds.Listing(c.Request.Context(), scope)
	if errors.Is(err, feed.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := newShareView(feed.Share{Scope: scope, Title: org.Name}, h.feedLinks(c))
	return &v, nil
}
