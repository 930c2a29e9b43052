// Package clock lets tests decide what time it is.
package clock

import (
	"time"
	_ "time/tzdata" // Europe/London even in slim containers without zoneinfo
)

// Clock returns the current time; production uses time.Now, tests a fixed or stepped one.
type Clock func() time.Time

// System is the real clock.
func System() time.Time { return time.Now().UTC() }

// London is Europe/London, where every time is shown.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("load time zone " + name + ": " + err.Error() + " (import time/tzdata)")
	}
	return loc
}
