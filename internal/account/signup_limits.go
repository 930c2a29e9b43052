package account

import (
	"time"

	"github.com/traininghub/traininghub/internal/ratelimit"
)

// Request limits for registration and password-reset requests, per client network (an
// IPv4 address, or an IPv6 /64) and overall. They are generous for a hospital or a force
// behind one shared address (a team signing up together on a training day) and stop a
// script: the 30 accounts in 1.5 seconds from one address stop at the tenth.
// The overall limits cap what a spread-out attack can do to the mail queue.
const (
	RegisterPerAddress = 10
	RegisterOverall    = 300
	ResetPerAddress    = 20
	ResetOverall       = 600
	ResetPerEmail      = 3 // beyond it the request is answered as usual and sends nothing
	RequestWindow      = time.Hour
)

// RegisterLimits are the rules one registration counts against.
func RegisterLimits(clientIP string) []ratelimit.Rule {
	return []ratelimit.Rule{
		{Key: "register:ip:" + ratelimit.ClientKey(clientIP), Limit: RegisterPerAddress, Window: RequestWindow},
		{Key: "register:all", Limit: RegisterOverall, Window: RequestWindow},
	}
}

// ResetLimits are the rules one password-reset request counts against.
func ResetLimits(clientIP string) []ratelimit.Rule {
	return []ratelimit.Rule{
		{Key: "reset:ip:" + ratelimit.ClientKey(clientIP), Limit: ResetPerAddress, Window: RequestWindow},
		{Key: "reset:all", Limit: ResetOverall, Window: RequestWindow},
	}
}

// ResetEmailLimit is the rule for links sent to one address.
func ResetEmailLimit(email string) ratelimit.Rule {
	return ratelimit.Rule{Key: "reset:email:" + NormaliseEmail(email), Limit: ResetPerEmail, Window: RequestWindow}
}
