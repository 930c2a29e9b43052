package server_test

// signupPolicies are the self-registration endpoints (docs/api.md, "Confirming your email
// address").
var signupPolicies = map[string]string{
	"POST /api/v1/me/email-confirmation": "signed in",
}
