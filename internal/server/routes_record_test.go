package server_test

// recordPolicies are the learning record and certificate endpoints. Verification is
// public (whoever holds a code may check it, rate limited per address); the record is
// the caller's own.
var recordPolicies = map[string]string{
	"GET /api/v1/me/record":          "signed in",
	"GET /api/v1/certificates/:code": "public",
}
