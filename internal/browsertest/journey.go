package browsertest

import (
	"encoding/json"
	"fmt"

	"github.com/go-rod/rod"
)

// Download is what the server answered to a link's address, fetched from inside the page
// with the page's own cookies, as the browser would when someone downloads the file.
type Download struct {
	Status      int    `json:"status"`
	ContentType string `json:"type"`
	Disposition string `json:"disposition"`
	Size        int    `json:"size"`
	Head        string `json:"head"` // the first bytes, one character per byte
	Text        string `json:"text"` // the whole body as UTF-8, when it is text
}

const fetchJS = `async (href) => {
  const r = await fetch(href, {credentials: 'same-origin'});
  const b = new Uint8Array(await r.arrayBuffer());
  const type = r.headers.get('content-type') || '';
  return {status: r.status, type, disposition: r.headers.get('content-disposition') || '', size: b.length,
    head: String.fromCharCode(...b.slice(0, 8)),
    text: type.startsWith('text/') ? new TextDecoder().decode(b) : ''};
}`

// Fetch downloads href (absolute, or relative to the page) with the page's cookies.
func Fetch(p *rod.Page, href string) (*Download, error) {
	res, err := p.Eval(fetchJS, href)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", href, err)
	}
	var d Download
	if err := json.Unmarshal([]byte(res.Value.JSON("", "")), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Focus describes the element that has the keyboard focus, and whether it shows it.
type Focus struct {
	Tag     string `json:"tag"`
	Text    string `json:"text"`
	Href    string `json:"href"`
	Outline string `json:"outline"`
	Shadow  string `json:"shadow"`
	Visible bool   `json:"visible"` // a visible outline or a box shadow
}

func (f Focus) String() string {
	s := "<" + f.Tag + ">"
	if f.Href != "" {
		s += " " + f.Href
	}
	if f.Text != "" {
		s += fmt.Sprintf(" %q", f.Text)
	}
	return s
}

// focusJS describes document.activeElement (null for the body): an outline counts when
// it has a style, a width and a colour that is not transparent.
const focusJS = `() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const cs = getComputedStyle(e);
  const clear = (c) => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !clear(cs.outlineColor);
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), text: (e.textContent || e.value || '').trim().replace(/\s+/g, ' ').slice(0, 80),
    href: e.getAttribute('href') || '', outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor,
    shadow: cs.boxShadow, visible: outline || !!shadow};
}`

// Focused returns the element with the keyboard focus, or nil when nothing has it.
func Focused(p *rod.Page) (*Focus, error) {
	res, err := p.Eval(focusJS)
	if err != nil {
		return nil, err
	}
	if res.Value.Nil() {
		return nil, nil
	}
	var f Focus
	if err := json.Unmarshal([]byte(res.Value.JSON("", "")), &f); err != nil {
		return nil, err
	}
	return &f, nil
}
