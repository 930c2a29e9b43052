package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/people"
	"github.com/traininghub/traininghub/internal/privacy"
	"github.com/traininghub/traininghub/internal/problem"
)

// peopleShown is how many people one search shows; past it the admin narrows the search.
const peopleShown = 50

// people is the merge service.
func (h *Handler) people() *people.Service { return h.People }

type peopleSearch struct {
	Action        string // where the search form goes
	Query         string
	Orgs          []option
	WithDisabled  bool
	People        []*account.User
	More          bool // more matched than are shown
	Shown         int
	Searched      bool
	ExcludeID     int64 // on the merge page: the account being kept
	MergeInto     int64 // on the merge page: links choose a duplicate for this account
	KeepName      string
	OrgQueryValue string
}

// readPeopleSearch reads the search box, organisation filter and "include disabled"
// choice from the query string, so a search can be bookmarked.
func (h *Handler) readPeopleSearch(c *gin.Context, action string) (peopleSearch, account.PeopleQuery, *problem.Error, error) {
	d := peopleSearch{Action: action, Shown: peopleShown}
	v := problem.Validation{}
	q := account.PeopleQuery{Limit: peopleShown}
	d.Query = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(d.Query) > account.MaxSearchText {
		v.Add("q", "Search for 200 characters or fewer")
		d.Query = ""
	}
	q.Text = d.Query
	orgs, err := h.Accounts.Organisations(c.Request.Context())
	if err != nil {
		return d, q, nil, err
	}
	raw := c.Query("organisation")
	if raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		found := false
		for _, o := range orgs {
			found = found || o.ID == id
		}
		if err != nil || !found {
			v.Add("organisation", "Choose an organisation from the list")
		} else {
			q.OrganisationID = id
			d.OrgQueryValue = raw
		}
	}
	d.Orgs = append(d.Orgs, option{Value: "", Label: "Any organisation", Selected: q.OrganisationID == 0})
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name, Selected: o.ID == q.OrganisationID})
	}
	d.WithDisabled = c.Query("disabled") == "yes"
	q.IncludeDisabled = d.WithDisabled
	_, d.Searched = c.GetQuery("q")
	var pe *problem.Error
	if err := v.Err(); err != nil {
		pe = err.(*problem.Error)
	}
	return d, q, pe, nil
}

// adminPeople finds people by name, email address or organisation.
func (h *Handler) adminPeople(c *gin.Context) {
	d, q, pe, err := h.readPeopleSearch(c, "/admin/people")
	if err != nil {
		h.fail(c, err)
		return
	}
	status := http.StatusOK
	if pe != nil {
		status = pe.Status
	} else if d.People, d.More, err = h.Accounts.SearchPeople(c.Request.Context(), q); err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, status, "admin-people", Page{Title: "People", Problem: pe, Data: d})
}

type personData struct {
	Person     *account.User
	Bookings   []booking.Entry
	Merges     []people.Record
	MergedInto int64
	Self       bool // the admin looking is this person
	EmailLog   string
	Tokens     []account.Token
	TwoFactor  account.TwoFactor
	Erased     *privacy.Erasure // nil unless the record was erased
}

// adminPerson is one person: their details, roles, bookings, merges and what can be done.
func (h *Handler) adminPerson(c *gin.Context) {
	if u, ok := h.pathPerson(c); ok {
		h.showPerson(c, u, http.StatusOK, nil)
	}
}

func (h *Handler) showPerson(c *gin.Context, u *account.User, status int, pe *problem.Error) {
	ctx := c.Request.Context()
	d := personData{Person: u, Self: httpx.CurrentUser(c).ID == u.ID,
		EmailLog: "/admin/emails?" + url.Values{"to": {u.Email}}.Encode()}
	var err error
	if d.Bookings, err = h.Bookings.ForUser(ctx, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	if d.Merges, err = h.people().Merges(ctx, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	into, merged, err := h.people().MergedInto(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if merged {
		d.MergedInto = into.KeptID
	}
	if d.Tokens, err = h.Accounts.Tokens(ctx, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	if d.TwoFactor, err = h.Accounts.TwoFactorStatus(ctx, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	if d.Erased, err = h.erasureOf(c, u); err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, status, "admin-people-person", Page{Title: u.Name, Problem: pe, Data: d})
}

// pathPerson loads the account named by :id, answering with the error page when there is
// none.
func (h *Handler) pathPerson(c *gin.Context) (*account.User, bool) {
	id, err := httpx.ParamID(c, "id")
	if err == nil {
		var u *account.User
		if u, err = h.Accounts.User(c.Request.Context(), id); err == nil {
			if !privacy.IsErased(u.Email) || c.FullPath() == "/admin/people/:id" {
				return u, true
			}
			err = errPersonErased // only the page saying so remains
		}
	}
	h.fail(c, err)
	return nil, false
}

func personURL(id int64) string { return "/admin/people/" + strconv.FormatInt(id, 10) }
