package tencentcloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TC3-HMAC-SHA256, API 3.0's signature, as the SDK's sendWithSignatureV3
// computes it and the API documents it.
const (
	algorithm       = "TC3-HMAC-SHA256"
	headerTimestamp = "X-TC-Timestamp"
	headerAction    = "X-TC-Action"
	headerVersion   = "X-TC-Version"
	headerRegion    = "X-TC-Region"
	headerPayload   = "X-TC-Content-SHA256"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	// maxClockSkew is how far X-TC-Timestamp may be from the server's clock.
	maxClockSkew = 5 * time.Minute
)

// authError is a failed authentication and the API's code for it. Messages
// never carry secrets.
type authError struct {
	code, message string
}

func (e *authError) Error() string { return e.code + ": " + e.message }

type authorization struct {
	secretID, date, service string
	signedHeaders           []string
	signature               string
}

// parseAuthorization reads "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
// SignedHeaders=content-type;host, Signature=<hex>".
func parseAuthorization(value string) (authorization, error) {
	rest, ok := strings.CutPrefix(value, algorithm+" ")
	if !ok {
		return authorization{}, errors.New("the Authorization header is missing or does not use " + algorithm)
	}
	var a authorization
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 4 || scope[3] != "tc3_request" {
				return authorization{}, errors.New("the Credential is not <SecretId>/<date>/<service>/tc3_request")
			}
			a.secretID, a.date, a.service = scope[0], scope[1], scope[2]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.secretID == "" || a.service == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return authorization{}, errors.New("the Authorization header lacks Credential, SignedHeaders or Signature")
	}
	return a, nil
}

// serviceOf is the service a request's credential scope names, the only
// place an API 3.0 request names it.
func serviceOf(r *http.Request) string {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return ""
	}
	return a.service
}

// verifySignature checks a TC3-signed request against the SecretKey lookup
// returns for its SecretId, and returns the service it was signed for.
func verifySignature(r *http.Request, body []byte, now time.Time, lookup func(secretID string) (string, bool)) (string, error) {
	auth, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return "", &authError{"AuthFailure.InvalidAuthorization", err.Error()}
	}
	secretKey, ok := lookup(auth.secretID)
	if !ok {
		return "", &authError{"AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct."}
	}
	for _, h := range []string{"content-type", "host"} {
		if !slices.Contains(auth.signedHeaders, h) {
			return "", &authError{"AuthFailure.InvalidAuthorization", "SignedHeaders must include " + h}
		}
	}
	ts, err := strconv.ParseInt(r.Header.Get(headerTimestamp), 10, 64)
	if err != nil {
		return "", &authError{"MissingParameter", "The request is missing the X-TC-Timestamp header."}
	}
	signedAt := time.Unix(ts, 0).UTC()
	if skew := now.Sub(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return "", &authError{"AuthFailure.SignatureExpire", "Signature expired: the X-TC-Timestamp is too far from the server time."}
	}
	if auth.date != signedAt.Format("2006-01-02") {
		return "", &authError{"AuthFailure.SignatureFailure", "The date in the Credential does not match X-TC-Timestamp."}
	}
	toSign := stringToSign(signedAt, auth.date, auth.service, canonicalRequest(r, body, auth.signedHeaders))
	want := hmacSHA256(signingKey(secretKey, auth.date, auth.service), toSign)
	got, err := hex.DecodeString(auth.signature)
	if err != nil || !hmac.Equal(got, want) {
		return "", &authError{"AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."}
	}
	return auth.service, nil
}

func canonicalRequest(r *http.Request, body []byte, signedHeaders []string) string {
	payload := body
	if r.Header.Get(headerPayload) == unsignedPayload {
		payload = []byte(unsignedPayload)
	}
	var headers strings.Builder
	for _, name := range signedHeaders {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		headers.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	return strings.Join([]string{
		r.Method,
		"/",
		r.URL.RawQuery,
		headers.String(),
		strings.Join(signedHeaders, ";"),
		sha256Hex(payload),
	}, "\n")
}

func stringToSign(signedAt time.Time, date, service, canonical string) string {
	return algorithm + "\n" + strconv.FormatInt(signedAt.Unix(), 10) + "\n" +
		date + "/" + service + "/tc3_request\n" + sha256Hex([]byte(canonical))
}

// signingKey derives the key of one day and service from the SecretKey.
func signingKey(secretKey, date, service string) []byte {
	k := hmacSHA256([]byte("TC3"+secretKey), date)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "tc3_request")
}

func hmacSHA256(key []byte, msg string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return mac.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
