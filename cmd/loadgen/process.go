package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// processResult is what an operator sees of a real `traininghub serve` process: how long
// it takes to answer after being started, and how much memory it holds after serving.
type processResult struct {
	firstAnswer time.Duration
	rssKiB      int64 // resident now, after the load
	peakKiB     int64 // the most it was ever resident
	catalogue   result
	myBookings  result
}

// measureProcess starts bin as `serve` on dbPath, times the first answer to GET /courses,
// loads it with the catalogue and signed-in reads of people's own bookings (unless tokens
// is empty), and reads its resident memory from /proc. The memory of the load generator
// is not in the figure.
func measureProcess(ctx context.Context, bin, dbPath string, tokens []string, o options) (processResult, error) {
	var r processResult
	addr, err := freeAddress()
	if err != nil {
		return r, err
	}
	logFile, err := os.Create(dbPath + ".serve.log")
	if err != nil {
		return r, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, bin, "serve", "--db", dbPath, "--addr", addr, "--sync", string(o.sync), "--digest", "off",
		"--secret-key-file", dbPath+".key")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start %s: %w", bin, err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	base := "http://" + addr
	if err := awaitFirstAnswer(ctx, base+"/courses", 30*time.Second); err != nil {
		return r, fmt.Errorf("%w (its log: %s)", err, logFile.Name())
	}
	r.firstAnswer = time.Since(began)
	if len(tokens) == 0 {
		r.rssKiB, r.peakKiB, err = residentMemory(cmd.Process.Pid)
		return r, err
	}
	if r.catalogue, err = loadCatalogue(ctx, base, o); err != nil {
		return r, err
	}
	if r.myBookings, err = loadGets(ctx, base+"/api/v1/me/bookings", tokens, o); err != nil {
		return r, err
	}
	r.rssKiB, r.peakKiB, err = residentMemory(cmd.Process.Pid)
	return r, err
}

// freeAddress finds a loopback port nobody is listening on.
func freeAddress() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// awaitFirstAnswer asks url every two milliseconds until it answers 200.
func awaitFirstAnswer(ctx context.Context, url string, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("no answer from %s within %v", url, limit)
}

// residentMemory reads VmRSS and VmHWM (the high-water mark) of a process, in KiB.
func residentMemory(pid int) (now, peak int64, err error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0, fmt.Errorf("resident memory: %w", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		name, value, found := strings.Cut(s.Text(), ":")
		if !found {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		kib, convErr := strconv.ParseInt(fields[0], 10, 64)
		switch {
		case convErr != nil:
		case name == "VmRSS":
			now = kib
		case name == "VmHWM":
			peak = kib
		}
	}
	if now == 0 {
		return 0, 0, fmt.Errorf("resident memory: no VmRSS for process %d", pid)
	}
	return now, peak, s.Err()
}
