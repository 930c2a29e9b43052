package feed_test

import (
	"context"
	"slices"
	"testing"

	"github.com/traininghub/traininghub/internal/feed"
)

func TestSharesAreWhatThePublicCanSee(t *testing.T) {
	p := newProgramme(t)
	shares, err := p.svc.Shares(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range shares {
		got = append(got, s.Title+" "+links.Embed(s.Scope)+" "+links.Feed(s.Scope, "ics"))
	}
	base := "https://training.example.org"
	want := []string{
		"B&NES training " + base + "/embed/sessions " + base + "/feeds/sessions.ics",
		"Unseen " + base + "/embed/providers/" + id(p.partner.ID) + " " + base + "/feeds/providers/" + id(p.partner.ID) + "/sessions.ics",
		"Modern slavery awareness " + base + "/embed/courses/" + id(p.slavery) + " " + base + "/feeds/courses/" + id(p.slavery) + "/sessions.ics",
		"Safeguarding level 2 " + base + "/embed/courses/" + id(p.safeguarding) + " " + base + "/feeds/courses/" + id(p.safeguarding) + "/sessions.ics",
	}
	if !slices.Equal(got, want) {
		t.Errorf("shares:\n%q\nwant (no draft, nothing waiting for approval):\n%q", got, want)
	}
}

func TestSnippetEscapesItsAttributes(t *testing.T) {
	got := feed.Snippet("https://t.example.org/embed/courses/1?a=1&b=2", `Dates: "Spot" <it> & say`)
	want := `<iframe src="https://t.example.org/embed/courses/1?a=1&amp;b=2" title="Dates: &#34;Spot&#34; &lt;it&gt; &amp; say" width="100%" height="600" loading="lazy"></iframe>`
	if got != want {
		t.Errorf("snippet:\n%s\nwant\n%s", got, want)
	}
}
