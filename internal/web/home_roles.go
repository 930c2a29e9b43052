package web

import (
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/home"
	"github.com/traininghub/traininghub/internal/httpx"
)

// homeAdmin is the admin's to-do list.
type homeAdmin struct {
	Todo  home.Todo
	Items []todoItem
	// Thin lists the sessions the to-do list counts as short of numbers.
	Thin []home.ThinSession
}

// todoItem is one line of the to-do list: how many, what, and where to deal with them.
type todoItem struct {
	N     int
	Label string // "registers overdue"
	Hint  string
	Href  string // a page listing exactly the things counted
}

// overdueRegistersPath lists the registers the to-do list counts as overdue.
const overdueRegistersPath = "/admin/registers/overdue"

// adminTodoItems words the to-do counts, in the order they are best dealt with. Each link
// leads to a page listing exactly what its figure counts.
func adminTodoItems(t home.Todo) []todoItem {
	return []todoItem{
		{t.RegistersOverdue, "registers overdue", "Sessions that ended more than a day ago without a submitted register.", overdueRegistersPath},
		{t.CoursesToApprove, "partner courses to approve", "", "/admin/courses/pending"},
		{t.FailedEmails, "failed emails", "Messages we gave up sending.", "/admin/emails?status=failed"},
		{t.ApprovalsWaiting, "booking requests waiting for a manager", "", "/manager/approvals"},
		{t.UnderSubscribed, "sessions short of numbers", "Starting within 7 days below their minimum number of people or, with no minimum, under half full.", "/#thin-sessions"},
	}
}

// adminTodo counts the signed-in admin's to-do list.
func (h *Handler) adminTodo(c *gin.Context) (home.Todo, error) {
	return home.AdminTodo(c.Request.Context(), h.Accounts.DB, h.Now(), httpx.CurrentUser(c).ID)
}

func (h *Handler) homeAdmin(c *gin.Context) (*homeAdmin, error) {
	t, err := h.adminTodo(c)
	if err != nil {
		return nil, err
	}
	d := &homeAdmin{Todo: t, Items: adminTodoItems(t)}
	if t.UnderSubscribed > 0 {
		if d.Thin, err = home.UnderSubscribedSessions(c.Request.Context(), h.Accounts.DB, h.Now()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// homeTrainer is a trainer's registers to deal with and their sessions.
type homeTrainer struct {
	// Now are the sessions under way: their registers are to take now, at the top.
	Now []home.RegisterDue
	// Registers are the other sessions that have started and are not submitted.
	Registers     []home.RegisterDue
	MoreRegisters int
	Past          bool // the table shows past sessions (?sessions=past), else upcoming
	Sessions      []course.Session
	MoreSessions  int
}

func (h *Handler) homeTrainer(c *gin.Context) (*homeTrainer, error) {
	ctx := c.Request.Context()
	me, now := httpx.CurrentUser(c), h.Now()
	regs, err := home.RegistersWaiting(ctx, h.Accounts.DB, me.ID, now)
	if err != nil {
		return nil, err
	}
	d := &homeTrainer{Past: c.Query("sessions") == "past"}
	var rest []home.RegisterDue
	for _, r := range regs {
		if r.UnderWay {
			d.Now = append(d.Now, r)
		} else {
			rest = append(rest, r)
		}
	}
	d.Registers, d.MoreRegisters = firstN(rest, homeListLimit)
	sessions, err := h.Courses.Sessions(ctx, course.SessionFilter{TrainerID: me.ID, IncludePast: d.Past})
	if err != nil {
		return nil, err
	}
	var pick []course.Session
	for _, s := range sessions {
		if now.Before(s.EndsAt) != d.Past {
			pick = append(pick, s)
		}
	}
	if d.Past {
		slices.Reverse(pick) // newest first
	}
	d.Sessions, d.MoreSessions = firstN(pick, homeListLimit)
	return d, nil
}

// homePartner is a training partner's coming sessions and their courses waiting for approval.
type homePartner struct {
	Org          account.Organisation
	Sessions     []course.Session
	MoreSessions int
	Pending      []course.Course
}

// homePartner is nil when the partner role sits on an organisation that is not a
// training partner (the partner pages refuse them too).
func (h *Handler) homePartner(c *gin.Context) (*homePartner, error) {
	ctx := c.Request.Context()
	org, ok, err := h.Accounts.PartnerOrganisation(ctx, httpx.CurrentUser(c))
	if err != nil || !ok {
		return nil, err
	}
	sessions, err := h.Courses.PartnerSessions(ctx, org.ID, 0, false)
	if err != nil {
		return nil, err
	}
	courses, err := h.Courses.PartnerCourses(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	d := &homePartner{Org: org}
	d.Sessions, d.MoreSessions = firstN(sessions, homeListLimit)
	for _, crs := range courses {
		if crs.Approval == course.Pending {
			d.Pending = append(d.Pending, crs)
		}
	}
	return d, nil
}

// firstN is at most n of list, and how many were left out.
func firstN[T any](list []T, n int) ([]T, int) {
	if len(list) <= n {
		return list, 0
	}
	return list[:n], len(list) - n
}

// homeManager is a manager's staff who need attention.
type homeManager struct {
	Org       account.Organisation
	NoRules   bool
	Staff     int
	Attention int           // people with something expired, expiring or not done and not booked
	Counts    []homeCount   // Attention split by each person's most urgent status: no overlap
	People    []homeStaffer // the most urgent first
	More      int
	Approvals int // booking requests waiting for this manager
}

// homeCount is a number of people and what they have in common.
type homeCount struct {
	N     int
	Label string
	Tag   string
}

// homeStaffer is one member of staff needing attention.
type homeStaffer struct {
	ID        int64
	Name      string
	Status    string
	StatusTag string
	Due       string // "Child sexual exploitation awareness (expired), Neglect (not done)"
	Reminded  bool   // had a reminder today; another waits until tomorrow
}

// attentionStates are the overall statuses that put someone on the manager's home, most
// urgent first: the severity order of a person's status.
var attentionStates = []compliance.State{compliance.Expired, compliance.NotBooked, compliance.Waitlisted, compliance.Expiring}

func (h *Handler) homeManager(c *gin.Context, svc *compliance.Service) (*homeManager, error) {
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	mx, err := svc.Matrix(ctx, me.OrganisationID)
	if err != nil {
		return nil, err
	}
	pending, err := h.approvals().PendingFor(ctx, me)
	if err != nil {
		return nil, err
	}
	reminded, err := svc.RemindedToday(ctx, me.OrganisationID)
	if err != nil {
		return nil, err
	}
	d := &homeManager{Org: mx.Organisation, NoRules: len(mx.Courses) == 0, Staff: len(mx.People), Approvals: len(pending)}
	byState := map[compliance.State]int{}
	var people []compliance.Person
	for _, p := range mx.People {
		if p.Has(compliance.Expired, compliance.Expiring, compliance.NotBooked) {
			people = append(people, p)
			byState[p.Status]++
		}
	}
	d.Attention = len(people)
	for _, s := range attentionStates {
		if n := byState[s]; n > 0 {
			d.Counts = append(d.Counts, homeCount{N: n, Label: s.StatusLabel(), Tag: s.Tag()})
		}
	}
	slices.SortStableFunc(people, func(a, b compliance.Person) int { // names stay in order within a status
		switch {
		case a.Status.Worse(b.Status):
			return -1
		case b.Status.Worse(a.Status):
			return 1
		}
		return 0
	})
	shown, more := firstN(people, homeListLimit*2)
	d.More = more
	for _, p := range shown {
		var due []string
		for _, it := range compliance.Due(p, mx.Courses) {
			due = append(due, it.Course+" ("+strings.ToLower(dueWord(it.State))+")")
		}
		d.People = append(d.People, homeStaffer{ID: p.ID, Name: p.Name, Status: p.Status.StatusLabel(), StatusTag: p.Status.Tag(),
			Due: strings.Join(due, ", "), Reminded: reminded[p.ID]})
	}
	return d, nil
}

// dueWord is a state of a course due, in a word or two.
func dueWord(s compliance.State) string {
	switch s {
	case compliance.NotBooked:
		return "Not done"
	case compliance.Expiring:
		return "Expiring"
	}
	return s.Label()
}
