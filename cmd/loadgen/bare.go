package main

import (
	"context"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
)

// startBareServer serves body at /courses from a bare Gin handler with no middleware: the
// HTTP ceiling the catalogue page is compared with, measured in the same run.
func startBareServer(body []byte, encoding string) (string, func(), error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/courses", func(c *gin.Context) {
		if encoding != "" {
			c.Header("Content-Encoding", encoding)
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", body)
	})
	return serveBare(e)
}

// startBareBookingServer answers every POST booking with answer, from a bare Gin handler
// with no middleware, no token check and no database: the HTTP ceiling for the booking
// phase, measured in the same run.
func startBareBookingServer(answer []byte) (string, func(), error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.POST("/api/v1/sessions/:id/bookings", func(c *gin.Context) {
		c.Data(http.StatusCreated, "application/json; charset=utf-8", answer)
	})
	return serveBare(e)
}

// serveBare serves h on a loopback port, returning its address and how to stop it.
func serveBare(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// pageBytes fetches a page's bytes as they cross the wire to the load's clients, which
// ask for gzip as Go's client does, and their Content-Encoding.
func pageBytes(ctx context.Context, url string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.Header.Get("Content-Encoding"), err
}
