package server_test

// registerPolicies are the attendance register endpoints. Both admit trainers and admins;
// a trainer reaches only the sessions they deliver (checked in the handler: others 404).
var registerPolicies = map[string]string{
	"GET /api/v1/sessions/:id/register":         "roles [trainer admin]",
	"PUT /api/v1/bookings/:id/attendance":       "roles [trainer admin]",
	"POST /api/v1/sessions/:id/register/submit": "roles [trainer admin]",
}
