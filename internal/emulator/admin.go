package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// adminPrefix is the root of the admin API. Admin requests are not logged and
// fault rules do not apply to them.
const adminPrefix = "/_emulator"

// serveAdmin serves:
//
//	GET    /_emulator/health
//	GET    /_emulator/state     whole state, as DumpState
//	PUT    /_emulator/state     replace whole state, as LoadState
//	GET    /_emulator/requests  request log, a JSON array
//	DELETE /_emulator/requests  clear the log
//	GET    /_emulator/faults    fault rules, a JSON array
//	PUT    /_emulator/faults    replace the fault rules
//	DELETE /_emulator/faults    clear the fault rules
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case adminPrefix + "/health":
		if allow(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		}
	case adminPrefix + "/state":
		s.adminState(w, r)
	case adminPrefix + "/requests":
		if !allow(w, r, http.MethodGet, http.MethodDelete) {
			return
		}
		if r.Method == http.MethodDelete {
			s.ResetRequests()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, s.Requests())
	case adminPrefix + "/faults":
		s.adminFaults(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown admin path " + r.URL.Path})
	}
}

func (s *Server) adminState(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet, http.MethodPut) {
		return
	}
	if r.Method == http.MethodGet {
		raw, err := s.DumpState()
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(raw)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		err = s.LoadState(raw)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminFaults(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet, http.MethodPut, http.MethodDelete) {
		return
	}
	switch r.Method {
	case http.MethodGet:
		rules := s.Faults()
		if rules == nil {
			rules = []FaultRule{}
		}
		writeJSON(w, http.StatusOK, rules)
	case http.MethodDelete:
		s.SetFaults(nil)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPut:
		rules, err := decodeRules(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		s.SetFaults(rules)
		w.WriteHeader(http.StatusNoContent)
	}
}

func decodeRules(body io.Reader) ([]FaultRule, error) {
	dec := json.NewDecoder(body)
	// Reject misspelt fields: a silently ignored rule is a confusing test.
	dec.DisallowUnknownFields()
	var rules []FaultRule
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("fault rules must be a JSON array of rules: %w", err)
	}
	var errs []error
	for i, rule := range rules {
		if err := rule.validate(); err != nil {
			errs = append(errs, fmt.Errorf("rule %d: %w", i, err))
		}
	}
	return rules, errors.Join(errs...)
}

// allow answers 405 unless r uses one of methods.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	if slices.Contains(methods, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " not allowed on " + r.URL.Path})
	return false
}
