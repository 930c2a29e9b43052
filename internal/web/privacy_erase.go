package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/privacy"
)

type eraseData struct {
	Person *account.User
	Self   bool
	Today  string
}

// erasePerson loads the person to erase, refusing one already erased.
func (h *Handler) erasePerson(c *gin.Context) (*account.User, bool) {
	id, err := httpx.ParamID(c, "id")
	if err == nil {
		var u *account.User
		if u, err = h.Accounts.User(c.Request.Context(), id); err == nil {
			if !privacy.IsErased(u.Email) {
				return u, true
			}
			err = privacy.ErrAlreadyErased
		}
	}
	h.fail(c, err)
	return nil, false
}

func (h *Handler) erasePage(c *gin.Context, u *account.User) Page {
	today := h.Now().In(clock.London).Format("2006-01-02")
	return Page{Title: "Erase " + u.Name + "'s record", Form: map[string]string{privacy.FieldReceived: today},
		Data: eraseData{Person: u, Self: httpx.CurrentUser(c).ID == u.ID, Today: today}}
}

// adminEraseForm says what erasure removes and what stays, and asks for the request's
// date and reference.
func (h *Handler) adminEraseForm(c *gin.Context) {
	if u, ok := h.erasePerson(c); ok {
		h.page(c, http.StatusOK, "admin-people-erase", h.erasePage(c, u))
	}
}

// adminErase carries out the erasure in one transaction.
func (h *Handler) adminErase(c *gin.Context) {
	u, ok := h.erasePerson(c)
	if !ok {
		return
	}
	p := h.erasePage(c, u)
	p.Form = formValues(c, privacy.FieldReceived, privacy.FieldReference, privacy.FieldNote)
	done, err := h.Privacy.Erase(c.Request.Context(), privacy.EraseRequest{UserID: u.ID, ActorID: httpx.CurrentUser(c).ID,
		Received: p.Form[privacy.FieldReceived], Reference: p.Form[privacy.FieldReference], Note: p.Form[privacy.FieldNote]})
	if err != nil {
		h.formProblem(c, "admin-people-erase", p, err)
		return
	}
	// The flash waits in the admin's session row until shown, so it names no one.
	msg := "The record is erased."
	var parts []string
	if done.BookingsCancelled > 0 {
		parts = append(parts, plural(done.BookingsCancelled, "future booking cancelled", "future bookings cancelled"))
	}
	if done.EmailsWithdrawn > 0 {
		parts = append(parts, plural(done.EmailsWithdrawn, "unsent email withdrawn", "unsent emails withdrawn"))
	}
	if done.Ended.Sessions > 0 {
		parts = append(parts, plural(done.Ended.Sessions, "sign-in session ended", "sign-in sessions ended"))
	}
	if len(parts) > 0 {
		msg += " " + strings.Join(parts, ", ") + "."
	}
	h.redirect(c, personURL(u.ID), msg)
}

// adminErasures lists the erasures carried out, newest first.
func (h *Handler) adminErasures(c *gin.Context) {
	list, err := h.Privacy.Erasures(c.Request.Context(), 500)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-erasures", Page{Title: "Erasures", Data: list})
}

// recordSignIn keeps the time of each sign-in. A failure is logged, not shown: the
// person is signed in either way.
func (h *Handler) recordSignIn(c *gin.Context, u *account.User) {
	if err := privacy.RecordSignIn(c.Request.Context(), h.Accounts.DB, u.ID, h.Now()); err != nil {
		h.Log.Warn("record sign-in time", "user", u.ID, "err", err)
	}
}

// erasureOf is the erasure of a person for their admin page; nil when not erased.
func (h *Handler) erasureOf(c *gin.Context, u *account.User) (*privacy.Erasure, error) {
	if !privacy.IsErased(u.Email) {
		return nil, nil
	}
	e, ok, err := h.Privacy.ErasureOf(c.Request.Context(), u.ID)
	if err != nil || !ok {
		return nil, err
	}
	return &e, nil
}

// refuseErased answers errPersonErased when either account is erased, for the merge
// pages, whose ids do not pass through pathPerson.
func (h *Handler) refuseErased(c *gin.Context, ids ...int64) bool {
	for _, id := range ids {
		u, err := h.Accounts.User(c.Request.Context(), id)
		if err == nil && privacy.IsErased(u.Email) {
			h.fail(c, errPersonErased)
			return true
		}
	}
	return false
}
