package booking_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/testkit"
)

// BenchmarkBook is the booking engine alone: one BEGIN IMMEDIATE transaction per booking
// (availability, insert, history, outbox message), the ceiling the HTTP API is held to.
// Sessions have 30 places and take 40 bookings each, so a quarter join a waiting list of
// realistic length.
func BenchmarkBook(b *testing.B) {
	env := testkit.New(b)
	svc := booking.NewService(env.DB, env.Clock.Now)
	org := env.Org(b, "Load Test Agency", "social_care")
	courseID := env.Course(b, "Child sexual exploitation awareness")
	const perSession = 40
	sessions := make([]int64, b.N/perSession+1)
	for i := range sessions {
		sessions[i] = env.Session(b, courseID, 30*24*time.Hour, 30)
	}
	users := make([]int64, perSession)
	for i := range users {
		users[i] = env.User(b, fmt.Sprintf("p%d@example.org", i), org.ID).ID
	}
	b.ResetTimer()
	for i := range b.N {
		req := booking.Request{SessionID: sessions[i/perSession], UserID: users[i%perSession]}
		if _, err := svc.Book(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBookConcurrent books from 64 goroutines at once, as the API does under load:
// the writer shares each commit (and its wait for the disk) among the bookings queued
// together. Each booking is a different person on one of the sessions.
func BenchmarkBookConcurrent(b *testing.B) {
	env := testkit.New(b)
	svc := booking.NewService(env.DB, env.Clock.Now)
	org := env.Org(b, "Load Test Agency", "social_care")
	courseID := env.Course(b, "Child sexual exploitation awareness")
	const perSession = 40
	sessions := make([]int64, b.N/perSession+1)
	for i := range sessions {
		sessions[i] = env.Session(b, courseID, 30*24*time.Hour, 30)
	}
	users := make([]int64, perSession)
	for i := range users {
		users[i] = env.User(b, fmt.Sprintf("p%d@example.org", i), org.ID).ID
	}
	var next atomic.Int64
	b.SetParallelism(32) // 64 goroutines on two cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1) - 1)
			req := booking.Request{SessionID: sessions[i/perSession], UserID: users[i%perSession]}
			if _, err := svc.Book(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
