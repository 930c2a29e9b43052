package server_test

// recordPolicies are the learning record and certificate endpoints. Verification is
// public (whoever holds a code may check it, rate limited per address); the record is
// the caller's own; a certificate's PDF is for its owner, its session's trainers and
// admins (checked in the handler: others 404).
var recordPolicies = map[string]string{
	"GET /api/v1/me/record":              "signed in",
	"GET /api/v1/certificates/:code":     "public",
	"GET /api/v1/certificates/:code/pdf": "signed in",
}
