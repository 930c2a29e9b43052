package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/home"
)

// overdueRow is one overdue register, with how long it has been overdue in words.
type overdueRow struct {
	home.OverdueRegister
	For string // "3 days"
}

// adminOverdueRegisters lists every register the to-do list counts as overdue, however
// old, the oldest first, each linking to the register.
func (h *Handler) adminOverdueRegisters(c *gin.Context) {
	list, err := home.OverdueRegisters(c.Request.Context(), h.Accounts.DB, h.Now())
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := make([]overdueRow, len(list))
	for i, r := range list {
		rows[i] = overdueRow{OverdueRegister: r, For: overdueFor(r.Overdue)}
	}
	h.page(c, http.StatusOK, "admin-registers-overdue", Page{Title: "Registers overdue", Data: rows})
}

// overdueFor says how long something has been overdue: in hours within the first day,
// then in whole days.
func overdueFor(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "less than an hour"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours")
	}
	return plural(int(d/(24*time.Hour)), "day", "days")
}
