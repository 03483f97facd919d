package cloudclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// LogCall writes one API exchange to the provider's log at debug level
// (TF_LOG=debug or TF_LOG_PROVIDER=debug shows it) and returns err unchanged.
// Every cloud logs its calls here, so the lines look the same everywhere.
//
// The fields are chosen, not copied: cloud, service, action, attempt,
// duration and, on failure, the retry class, HTTP status, the cloud's error
// code, request ID and endpoint (scheme and host). Never a header, a
// parameter, a body or the cloud's message: those carry signatures, STS
// tokens and, in Alibaba Cloud's SignatureDoesNotMatch, the signed string
// with the token in it.
func LogCall(ctx context.Context, cloud, service, action string, start time.Time, err error) error {
	fields := map[string]any{
		"cloud":       cloud,
		"service":     service,
		"action":      action,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if a, ok := retry.AttemptOf(ctx); ok {
		fields["attempt"] = a.N
	}
	var e *apierr.Error
	switch {
	case err == nil:
		fields["outcome"] = "ok"
	case errors.As(err, &e):
		fields["outcome"] = e.Class.String()
		setIf(fields, "http_status", e.Status, e.Status != 0)
		setIf(fields, "error_code", e.Code, e.Code != "")
		setIf(fields, "request_id", e.RequestID, e.RequestID != "")
		setIf(fields, "endpoint", e.Endpoint, e.Endpoint != "")
	default:
		fields["outcome"] = "error"
	}
	tflog.Debug(ctx, "API call", fields)
	return err
}

func setIf(fields map[string]any, key string, v any, ok bool) {
	if ok {
		fields[key] = v
	}
}

// NoAnswer reports whether err is a call that got no answer (connection
// refused or reset, timeout, unknown host), with the endpoint it went to as
// scheme://host and the network's reason. The URL's path and query are left
// out: an Alibaba Cloud RPC query carries the signature and the STS token.
func NoAnswer(err error) (endpoint, reason string, ok bool) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "", "", false
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		endpoint = u.Scheme + "://" + u.Host
	}
	return endpoint, ue.Err.Error(), true
}

// NotTheAPI is the message of an answer that did not come from the cloud's
// API: an HTTP error status without the API's error body, or a body that is
// not the API's JSON (status 0: unknown), such as a web server's 404 page.
// The body is not shown: it is someone else's page.
func NotTheAPI(cloud, service string, status int) string {
	if status == 0 {
		return fmt.Sprintf("the answer is not the %s %s API's: not JSON", cloud, strings.ToUpper(service))
	}
	return fmt.Sprintf("the answer (HTTP %d) is not the %s %s API's: it has no API error code", status, cloud, strings.ToUpper(service))
}
