package apierr

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// CodeDoc is one error code a cloud documents and the provider acts on: its
// retry class, what the provider does with it, and where the behaviour is
// documented. Each cloud's errors.go holds one CodeTable of them, and its
// classifier decides from that table (and HTTP-status fallbacks) alone, so a
// code cannot be acted on without being written down with its source.
type CodeDoc struct {
	// Code is the exact error code, or a prefix when it ends in "*".
	Code string
	// Status, when non-zero, is the only HTTP status the entry applies to.
	Status int
	// Actions, when set, are the only API actions the entry applies to (the
	// "gone" codes of a removal API, say).
	Actions []string
	Class   retry.Class
	// WrongEndpoint marks a code that says the API is not served where the
	// call went (no such action or product at that endpoint), never that an
	// object is missing: the error names the endpoint setting to fix.
	WrongEndpoint bool
	// Does is what the provider does with it, e.g. "destroy: already gone, success".
	Does string
	// Source is where the behaviour is documented: the page and the date it
	// was read, or the peer provider's file that handles the code.
	Source string
}

func (d CodeDoc) prefix() (string, bool) { return strings.CutSuffix(d.Code, "*") }

func (d CodeDoc) matches(action string, status int, code string) bool {
	if d.Status != 0 && d.Status != status {
		return false
	}
	if len(d.Actions) > 0 && !slices.Contains(d.Actions, action) {
		return false
	}
	if p, ok := d.prefix(); ok {
		return strings.HasPrefix(code, p)
	}
	return d.Code == code
}

// CodeTable is a cloud's documented error codes.
type CodeTable []CodeDoc

// Lookup returns the entry for an answer of action with this status and
// code. The most specific entry wins: an exact code before a prefix, a
// longer prefix before a shorter one, an entry bound to actions or a status
// before one that is not.
func (t CodeTable) Lookup(action string, status int, code string) (CodeDoc, bool) {
	best, score := CodeDoc{}, -1
	for _, d := range t {
		if code == "" || !d.matches(action, status, code) {
			continue
		}
		s := len(d.Code) * 4
		if _, isPrefix := d.prefix(); !isPrefix {
			s += 10_000
		}
		if len(d.Actions) > 0 {
			s += 2
		}
		if d.Status != 0 {
			s++
		}
		if s > score {
			best, score = d, s
		}
	}
	return best, score >= 0
}

// Check reports the entries a test should refuse: no source, no word on what
// the provider does, or the same code, status and actions twice.
func (t CodeTable) Check() error {
	var problems []string
	seen := map[string]bool{}
	for _, d := range t {
		key := fmt.Sprintf("%s|%d|%s", d.Code, d.Status, strings.Join(d.Actions, ","))
		switch {
		case d.Code == "" || d.Code == "*":
			problems = append(problems, fmt.Sprintf("%q: an entry needs a code or a prefix", key))
		case strings.TrimSpace(d.Source) == "":
			problems = append(problems, d.Code+": no source (the page and date, or the peer file)")
		case strings.TrimSpace(d.Does) == "":
			problems = append(problems, d.Code+": does not say what the provider does")
		case seen[key]:
			problems = append(problems, d.Code+": listed twice")
		}
		seen[key] = true
	}
	if len(problems) > 0 {
		return fmt.Errorf("error code table: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Gone reports whether err says the object is absent in a way a destroy may
// call done: a cloud error whose entry here is a NotFound bound to the
// actions that answer it (the documented "gone" codes of that API), or a
// NotFoundError that no cloud error backs (the object was simply not
// listed). A 404 that only the status fallback calls "not found" (the
// gateway's "no such API", a code nobody wrote down) is not gone: a destroy
// that took it for success would leave the membership in place.
func (t CodeTable) Gone(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		d, ok := t.Lookup(e.Action, e.Status, e.Code)
		return ok && d.Class == retry.NotFound && len(d.Actions) > 0
	}
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// Covers reports whether some entry documents code (exactly or by prefix),
// whatever its status and actions: the tests check with it that every code
// an emulator answers is written down.
func (t CodeTable) Covers(code string) bool {
	for _, d := range t {
		if p, ok := d.prefix(); ok && strings.HasPrefix(code, p) || d.Code == code {
			return true
		}
	}
	return false
}
