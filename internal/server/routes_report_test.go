package server_test

// reportPolicies are the reporting endpoints.
var reportPolicies = map[string]string{}
