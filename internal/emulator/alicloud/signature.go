package alicloud

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the RPC protocol's signature method is HMAC-SHA1
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"
)

// RPC signature (signature version 1.0, HMAC-SHA1), as the SDK computes it:
// every parameter but Signature, sorted and form-encoded, with the RFC 3986
// fixes ("+" → %20, "*" → %2A, %7E → "~"), encoded once more and prefixed with
// "<METHOD>&%2F&"; keyed with "<AccessKeySecret>&".

// maxClockSkew is how far the request's Timestamp may be from now.
const maxClockSkew = 15 * time.Minute

// stringToSign rebuilds the signed string from the request's parameters.
func stringToSign(method string, params url.Values) string {
	signed := url.Values{}
	for k, vs := range params {
		if k != "Signature" {
			signed[k] = vs
		}
	}
	s := signed.Encode() // sorted by key
	s = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
	return method + "&%2F&" + url.QueryEscape(s)
}

func sign(method string, params url.Values, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign(method, params)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// verify checks the protocol parameters and the signature. lookup returns the
// credential of an AccessKeyId.
func verify(method string, params url.Values, now time.Time, lookup func(string) (Credential, bool)) (Credential, *Error) {
	for _, p := range []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"} {
		if params.Get(p) == "" {
			return Credential{}, &Error{Status: 400, Code: "MissingParameter", Message: "The input parameter \"" + p + "\" that is mandatory for processing this request is not supplied."}
		}
	}
	if params.Get("SignatureMethod") != "HMAC-SHA1" || params.Get("SignatureVersion") != "1.0" {
		return Credential{}, &Error{Status: 400, Code: "InvalidParameter", Message: "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0."}
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", params.Get("Timestamp"))
	if err != nil {
		return Credential{}, &Error{Status: 400, Code: "InvalidTimeStamp.Format", Message: "Specified time stamp or date value is not well formatted."}
	}
	if d := now.Sub(ts); d > maxClockSkew || d < -maxClockSkew {
		return Credential{}, &Error{Status: 400, Code: "InvalidTimeStamp.Expired", Message: "Specified time stamp or date value is expired."}
	}
	cred, ok := lookup(params.Get("AccessKeyId"))
	if !ok {
		return Credential{}, &Error{Status: 404, Code: "InvalidAccessKeyId.NotFound", Message: "Specified access key is not found."}
	}
	want := sign(method, params, cred.AccessKeySecret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(params.Get("Signature"))) != 1 {
		return Credential{}, &Error{Status: 400, Code: "SignatureDoesNotMatch", Message: "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign(method, params)}
	}
	// An STS AccessKey is valid only with the token it was issued with, sent
	// as the SecurityToken parameter.
	switch token := params.Get("SecurityToken"); {
	case cred.SecurityToken == "":
	case token == "":
		return Credential{}, &Error{Status: 400, Code: "MissingSecurityToken", Message: "SecurityToken is mandatory for this action."}
	case subtle.ConstantTimeCompare([]byte(token), []byte(cred.SecurityToken)) != 1:
		return Credential{}, &Error{Status: 400, Code: "InvalidSecurityToken.MismatchWithAccessKey", Message: "Specified SecurityToken mismatch with the AccessKey."}
	}
	return cred, nil
}
