package server_test

// reportPolicies are the reporting endpoints. The completion report is for managers (their
// own organisation only: naming another is 404) and admins (any, by organisation_id).
var reportPolicies = map[string]string{
	"GET /api/v1/reports/completion": "roles [manager admin]",
}
