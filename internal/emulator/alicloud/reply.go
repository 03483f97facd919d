package alicloud

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// newRequestID returns an ID in Alibaba Cloud's shape (an upper-case UUID).
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers in the RPC error format the SDK parses into a ServerError.
func writeError(w http.ResponseWriter, hostID string, e *Error) {
	emulator.ReportErrorCode(w, e.Code)
	writeJSON(w, e.Status, map[string]string{
		"RequestId": newRequestID(),
		"HostId":    hostID,
		"Code":      e.Code,
		"Message":   e.Message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + e.Code,
	})
}
