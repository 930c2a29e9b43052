package course

import (
	"sync"
	"time"
)

// catalogueCache keeps recent catalogue answers. An entry is used only while no write has
// committed since it was made and for at most cacheTTL, so sessions whose booking has just
// closed drop out within a second. The busiest page then costs no query at all.
type catalogueCache struct {
	mu      sync.Mutex
	entries map[Search]cachedListings
	topics  *cachedTopics
}

type cachedListings struct {
	generation uint64
	at         time.Time
	listings   []Listing
}

type cachedTopics struct {
	generation uint64
	at         time.Time
	topics     []string
}

const (
	cacheTTL        = time.Second
	cacheMaxEntries = 256
)

func (c *catalogueCache) get(q Search, gen uint64, now time.Time) ([]Listing, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[q]
	if !ok || e.generation != gen || now.Sub(e.at) >= cacheTTL || now.Before(e.at) {
		return nil, false
	}
	return e.listings, true
}

func (c *catalogueCache) put(q Search, gen uint64, now time.Time, l []Listing) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= cacheMaxEntries {
		c.entries = make(map[Search]cachedListings)
	}
	c.entries[q] = cachedListings{generation: gen, at: now, listings: l}
}

func (c *catalogueCache) getTopics(gen uint64, now time.Time) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.topics
	if t == nil || t.generation != gen || now.Sub(t.at) >= cacheTTL || now.Before(t.at) {
		return nil, false
	}
	return t.topics, true
}

func (c *catalogueCache) putTopics(gen uint64, now time.Time, topics []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.topics = &cachedTopics{generation: gen, at: now, topics: topics}
}
