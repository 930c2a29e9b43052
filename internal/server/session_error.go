package server

import (
	"bytes"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// sessionErrorTmpl is the page shown when a sign-in session cannot be read or saved. It
// is answered outside the page handlers (scs saves the session after them), so it stands
// alone: the site's stylesheet, a heading and the message.
var sessionErrorTmpl = template.Must(template.New("session-error").Parse(`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.SiteName}}</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<main id="main" class="main">
<h1>{{.Title}}</h1>
<p class="lede">{{.Message}}</p>
<p><a href="/courses">Find training</a></p>
</main>
</body>
</html>
`))

// sessionError answers a request whose sign-in session could not be read or saved: 503
// with Retry-After, saying the storage is full when it is (and logging that once a
// minute, as problem.From does) and "busy" otherwise. The API gets its JSON error.
func sessionError(log *slog.Logger, siteName string) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		pub, unexpected := problem.From(err)
		title := "Sorry, the service cannot save changes at the moment"
		if !store.IsFull(err) {
			pub, unexpected, title = problem.Busy, true, "Sorry, the service is busy"
		}
		if unexpected {
			log.Error("session store", "err", err)
		}
		w.Header().Set("Retry-After", pub.RetryAfterHeader())
		w.Header().Set("Cache-Control", "no-store")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": pub.Code, "message": pub.Message}})
			return
		}
		var buf bytes.Buffer
		if err := sessionErrorTmpl.Execute(&buf, map[string]string{"Title": title, "SiteName": siteName, "Message": pub.Message}); err != nil {
			http.Error(w, pub.Message, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(buf.Bytes())
	}
}
