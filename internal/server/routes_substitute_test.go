package server_test

// substitutePolicies are the substitution endpoints: the holder hands their own confirmed
// place to a colleague (admins: anyone's), so any signed-in person may call it and the
// handler scopes it (someone else's booking is a 404).
var substitutePolicies = map[string]string{
	"POST /api/v1/bookings/:id/substitute": "signed in",
}
