// Package browsertest drives a real Chromium (through go-rod and the DevTools protocol)
// against the real server, to check what only a browser can: that pages pass axe-core's
// WCAG 2.2 AA rules, and that no page scrolls sideways on a phone or at 200% zoom.
//
// It needs two things that are not Go modules:
//
//   - Chromium: Debian's package (apt-get install chromium) at /usr/bin/chromium, or the
//     binary named by TRAININGHUB_CHROMIUM. Rod never downloads a browser here.
//   - axe-core 4.14.1 from npm (npm install axe-core@4.14.1): the file named by
//     TRAININGHUB_AXE, else axe.min.js in one of the usual node_modules folders.
//
// Without them the tests skip, naming what to install; with CI set they fail instead.
package browsertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// AxeVersion is the axe-core release the checks are written against.
const AxeVersion = "4.14.1"

// AxeTags are the axe-core rule tags run on every page: WCAG 2.0, 2.1 and 2.2 at A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Chromium returns the browser binary to drive: $TRAININGHUB_CHROMIUM, else the first of
// Debian's and the usual other names found on PATH.
func Chromium() (string, error) {
	if p := os.Getenv("TRAININGHUB_CHROMIUM"); p != "" {
		if isFile(p) {
			return p, nil
		}
		return "", fmt.Errorf("TRAININGHUB_CHROMIUM=%s: no such file", p)
	}
	if isFile("/usr/bin/chromium") {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium: install it (apt-get install chromium) or set TRAININGHUB_CHROMIUM to the binary")
}

// AxeScript returns the path of axe.min.js: $TRAININGHUB_AXE, else the usual global and
// local node_modules folders.
func AxeScript() (string, error) {
	if p := os.Getenv("TRAININGHUB_AXE"); p != "" {
		if isFile(p) {
			return p, nil
		}
		return "", fmt.Errorf("TRAININGHUB_AXE=%s: no such file", p)
	}
	var places []string
	for _, root := range []string{"/usr/local/lib/node_modules", "/usr/lib/node_modules", "/usr/share/nodejs"} {
		places = append(places, filepath.Join(root, "axe-core", "axe.min.js"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		places = append(places, filepath.Join(home, ".cache", "traininghub-axe", "node_modules", "axe-core", "axe.min.js"), // .ci/run
			filepath.Join(home, "node_modules", "axe-core", "axe.min.js"),
			filepath.Join(home, ".npm-global", "lib", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range places {
		if isFile(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no axe-core: npm install axe-core@%s and set TRAININGHUB_AXE to its axe.min.js (looked in %s)",
		AxeVersion, strings.Join(places, ", "))
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Browser is one headless Chromium shared by a test package.
type Browser struct {
	*rod.Browser
	launcher *launcher.Launcher
	axe      string // axe.min.js source
}

// Launch starts Chromium at bin headless (never downloading one) and reads axe.min.js.
func Launch(bin, axePath string) (*Browser, error) {
	axe, err := os.ReadFile(axePath)
	if err != nil {
		return nil, fmt.Errorf("read axe-core: %w", err)
	}
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(true).
		Set("disable-background-networking").
		Set("disable-component-update").
		Set("disable-sync").
		Set("disable-gpu").
		Set("hide-scrollbars").
		Set("mute-audio")
	u, err := l.Launch()
	if err != nil {
		l.Kill()
		l.Cleanup()
		return nil, fmt.Errorf("launch %s: %w", bin, err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		l.Kill()
		l.Cleanup()
		return nil, fmt.Errorf("connect to %s: %w", bin, err)
	}
	return &Browser{Browser: b, launcher: l, axe: string(axe)}, nil
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() {
	_ = b.Browser.Close()
	b.launcher.Kill()
	b.launcher.Cleanup()
}

// NewPage opens a blank page in a fresh incognito context, so each role has its own
// cookies. The page gives up on any single step after a minute.
func (b *Browser) NewPage() (*rod.Page, error) {
	ctx, err := b.Incognito()
	if err != nil {
		return nil, err
	}
	p, err := ctx.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Viewport is a window size to check a page at.
type Viewport struct {
	Name   string
	Width  int // CSS pixels
	Height int
	Scale  float64 // device pixels per CSS pixel
	Mobile bool
}

// The widths every page is checked at. Zoom200 is a 1280 px window at 200% zoom: 640 CSS
// pixels at two device pixels each.
var (
	Desktop    = Viewport{Name: "1280px", Width: 1280, Height: 900, Scale: 1}
	Zoom200    = Viewport{Name: "1280px at 200% zoom", Width: 640, Height: 450, Scale: 2}
	Phone      = Viewport{Name: "390px", Width: 390, Height: 844, Scale: 1, Mobile: true}
	SmallPhone = Viewport{Name: "320px", Width: 320, Height: 640, Scale: 1, Mobile: true}
)

// SetViewport resizes the page's window to v.
func SetViewport(p *rod.Page, v Viewport) error {
	return p.SetViewport(&proto.EmulationSetDeviceMetricsOverride{
		Width: v.Width, Height: v.Height, DeviceScaleFactor: v.Scale, Mobile: v.Mobile,
	})
}

// Visit loads url and waits for the page (and its stylesheet) to finish loading.
func Visit(p *rod.Page, url string) error {
	wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := p.Navigate(url); err != nil {
		return err
	}
	wait()
	return nil
}

// SignIn fills in and submits the real sign-in form at base/login, and waits for the page
// it leads to. It fails if the browser is still on the sign-in page afterwards.
func SignIn(p *rod.Page, base, email, password string) error {
	if err := Visit(p, base+"/login"); err != nil {
		return err
	}
	for field, value := range map[string]string{"#email": email, "#password": password} {
		el, err := p.Element(field)
		if err != nil {
			return fmt.Errorf("sign-in form: %s: %w", field, err)
		}
		if err := el.Input(value); err != nil {
			return fmt.Errorf("sign-in form: type into %s: %w", field, err)
		}
	}
	btn, err := p.Element(`main form[action="/login"] button[type="submit"]`)
	if err != nil {
		return fmt.Errorf("sign-in form: no submit button: %w", err)
	}
	wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := btn.Click(proto.InputMouseButtonLeft, 1); err != nil {
		return fmt.Errorf("sign-in form: click: %w", err)
	}
	wait()
	info, err := p.Info()
	if err != nil {
		return err
	}
	if strings.HasSuffix(strings.SplitN(info.URL, "?", 2)[0], "/login") {
		return fmt.Errorf("still on the sign-in page after signing in as %s (%q)", email, info.Title)
	}
	return nil
}

// Overflow is what makes a page wider than its window.
type Overflow struct {
	ScrollWidth int      // document.documentElement.scrollWidth
	Width       int      // the window's width in CSS pixels
	Culprits    []string // the outermost elements that stick out, as short selectors
}

func (o Overflow) String() string {
	return fmt.Sprintf("page is %d px wide in a %d px window; sticking out: %s",
		o.ScrollWidth, o.Width, strings.Join(o.Culprits, "; "))
}

// overflowJS measures the page and names the elements that reach past the window's right
// edge while their parent does not (the ones to fix), leaving out those a scrolling box
// keeps in (a wide table in a .table-wrap) but not absolutely positioned ones that escape
// it (a visually hidden span whose containing block is outside the box).
const overflowJS = `() => {
  const w = document.documentElement.clientWidth;
  const sw = document.documentElement.scrollWidth;
  const out = (el) => el.getBoundingClientRect().right > w + 0.5;
  const clipped = (el) => {
    const pos = getComputedStyle(el).position;
    const abs = pos === 'absolute' || pos === 'fixed';
    let positioned = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' && !out(a) && (!abs || positioned || cs.position !== 'static')) return true;
      if (cs.position !== 'static') positioned = true;
    }
    return false;
  };
  const sticksOut = (el) => out(el) && !clipped(el);
  const name = (el) => {
    const one = (e) => {
      let s = e.tagName.toLowerCase();
      if (e.id) s += '#' + e.id;
      if (typeof e.className === 'string' && e.className.trim()) s += '.' + e.className.trim().split(/\s+/).join('.');
      return s;
    };
    let s = one(el);
    if (el.parentElement && el.parentElement !== document.body) s = one(el.parentElement) + ' > ' + s;
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return text ? s + ' "' + text + '"' : s;
  };
  const culprits = [];
  if (sw > w) {
    for (const el of document.body.querySelectorAll('*')) {
      if (!sticksOut(el)) continue;
      const p = el.parentElement;
      if (p && p !== document.body && sticksOut(p)) continue;
      culprits.push(name(el) + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + ')');
      if (culprits.length >= 6) break;
    }
  }
  return {scrollWidth: sw, width: w, culprits};
}`

// MeasureOverflow reports whether the page is wider than its window; nil means it fits.
func MeasureOverflow(p *rod.Page) (*Overflow, error) {
	res, err := p.Eval(overflowJS)
	if err != nil {
		return nil, err
	}
	var o struct {
		ScrollWidth int      `json:"scrollWidth"`
		Width       int      `json:"width"`
		Culprits    []string `json:"culprits"`
	}
	if err := json.Unmarshal([]byte(res.Value.JSON("", "")), &o); err != nil {
		return nil, err
	}
	if o.ScrollWidth <= o.Width {
		return nil, nil
	}
	return &Overflow{ScrollWidth: o.ScrollWidth, Width: o.Width, Culprits: o.Culprits}, nil
}

// Violation is one failed axe-core rule on a page.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s: %s) at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// axeRunJS runs axe-core on the whole document with AxeTags and flattens its answer.
const axeRunJS = `(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '))})))`

// Axe injects axe-core into the page (through Runtime.evaluate, which the site's
// script-src 'self' policy does not govern) and returns its WCAG A and AA violations.
func (b *Browser) Axe(p *rod.Page) ([]Violation, error) {
	loaded, err := p.Eval(`() => typeof window.axe === 'object'`)
	if err != nil {
		return nil, err
	}
	if !loaded.Value.Bool() {
		res, err := proto.RuntimeEvaluate{Expression: b.axe}.Call(p)
		if err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
		if res.ExceptionDetails != nil {
			return nil, fmt.Errorf("inject axe-core: %s", res.ExceptionDetails.Text)
		}
	}
	res, err := p.Timeout(time.Minute).Eval(axeRunJS, AxeTags)
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var out []Violation
	if err := json.Unmarshal([]byte(res.Value.JSON("", "")), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Screenshot saves a PNG of the whole page at its current viewport.
func Screenshot(p *rod.Page, path string) error {
	png, err := p.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}
