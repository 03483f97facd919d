package huaweicloud

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// API gateway error codes (the gateway answers before any service does).
const (
	codeNoSuchAPI    = "APIGW.0101" // 404: no API at this method and path
	codeBadAuth      = "APIGW.0301" // 401: missing, unknown or wrongly signed credentials
	codeForbidden    = "APIGW.0302" // 403: the credentials may not act on this project
	codeBackendError = "APIGW.0201" // 5xx: backend failed or its answer was lost
	codeThrottled    = "APIGW.0308" // 429: throttling threshold reached
)

// VPC error codes. The VPC error-code table lists 404 VPC.0603 ("The
// security group does not exist") and 400 VPC.0601 (invalid security group
// parameters); VPC.0602 there is an internal 500, not a missing group. The
// table has no row for a missing port: VPC.2502 follows its numbering and is
// a plausible guess, not verified.
const (
	codePortNotFound     = "VPC.2502"
	codeGroupNotFound    = "VPC.0603"
	codeGroupBadArgument = "VPC.0601"
)

// reply writes one answer; every answer carries the X-Request-Id header, as
// the SDK reads the request ID from it.
type reply struct {
	w         http.ResponseWriter
	requestID string
}

func newReply(w http.ResponseWriter) reply {
	rp := reply{w: w, requestID: newRequestID()}
	w.Header().Set("X-Request-Id", rp.requestID)
	return rp
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (rp reply) json(status int, v any) {
	rp.w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	rp.w.WriteHeader(status)
	_ = json.NewEncoder(rp.w).Encode(v)
}

// empty answers with a status and no body, as Nova's server actions do.
func (rp reply) empty(status int) {
	rp.w.WriteHeader(status)
}

// apiError answers in the gateway and VPC v3 format:
// {"error_code": ..., "error_msg": ..., "request_id": ...}.
func (rp reply) apiError(status int, code, msg string) {
	emulator.ReportErrorCode(rp.w, code)
	rp.json(status, map[string]string{"error_code": code, "error_msg": msg, "request_id": rp.requestID})
}

// Nova fault names, used as the top-level key of Nova error bodies.
const (
	novaBadRequest = "badRequest"
	novaNotFound   = "itemNotFound"
	novaConflict   = "conflictingRequest"
)

// novaError answers in the OpenStack Nova format, {"itemNotFound": {"code":
// 404, "message": ...}}. Its code is a number, so the SDK's ErrorCode stays
// empty; the log records the fault name instead.
func (rp reply) novaError(status int, fault, msg string) {
	emulator.ReportErrorCode(rp.w, fault)
	rp.json(status, map[string]any{fault: map[string]any{"code": status, "message": msg}})
}
