package huaweicloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The API gateway's AK/SK scheme, as core/auth/signer in the Go SDK computes it.
const (
	algorithm         = "SDK-HMAC-SHA256"
	headerDate        = "X-Sdk-Date"
	headerContentHash = "X-Sdk-Content-Sha256"
	dateFormat        = "20060102T150405Z"
	// maxClockSkew is how far X-Sdk-Date may be from the gateway's clock.
	maxClockSkew = 15 * time.Minute
)

// mustBeSigned are headers the emulator trusts only under the signature.
var mustBeSigned = []string{"x-sdk-date", "x-project-id", "x-security-token"}

type authorization struct {
	accessKey     string
	signedHeaders []string
	signature     string
}

// errNoAuthorization marks a request that carries no credentials at all.
var errNoAuthorization = errors.New("authorization not found")

// parseAuthorization reads
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(value string) (authorization, error) {
	if value == "" {
		return authorization{}, errNoAuthorization
	}
	rest, ok := strings.CutPrefix(value, algorithm+" ")
	if !ok {
		return authorization{}, errors.New("unsupported signing algorithm")
	}
	var a authorization
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			a.accessKey = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.accessKey == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return authorization{}, errors.New("malformed authorization header")
	}
	return a, nil
}

// verifySignature checks an AK/SK signed request against the secret key that
// lookup returns for its access key. The error text never contains secrets.
func verifySignature(r *http.Request, body []byte, now time.Time, lookup func(ak string) (string, bool)) error {
	auth, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	secretKey, ok := lookup(auth.accessKey)
	if !ok {
		return errors.New("access key does not exist")
	}
	for _, h := range mustBeSigned {
		if r.Header.Get(h) != "" && !slices.Contains(auth.signedHeaders, h) {
			return fmt.Errorf("header %s is not signed", h)
		}
	}
	signedAt, err := time.Parse(dateFormat, r.Header.Get(headerDate))
	if err != nil {
		return errors.New("x-sdk-date missing or malformed")
	}
	if skew := now.Sub(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return errors.New("request time is too far from the server time")
	}

	want := signature(secretKey, stringToSign(signedAt, canonicalRequest(r, body, auth.signedHeaders)))
	got, err := hex.DecodeString(auth.signature)
	if err != nil || !hmac.Equal(got, want) {
		return errors.New("verify aksk signature fail")
	}
	return nil
}

func canonicalRequest(r *http.Request, body []byte, signedHeaders []string) string {
	contentHash := r.Header.Get(headerContentHash)
	if contentHash == "" {
		sum := sha256.Sum256(body)
		contentHash = hex.EncodeToString(sum[:])
	}
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r.URL.Query()),
		canonicalHeaders(r, signedHeaders),
		strings.Join(signedHeaders, ";"),
		contentHash,
	}, "\n")
}

// canonicalURI escapes each path segment and ends the path with '/'.
func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = escape(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery sorts parameters by name, and the values of a name.
func canonicalQuery(q url.Values) string {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	var pairs []string
	for _, k := range names {
		values := slices.Clone(q[k])
		slices.Sort(values)
		for _, v := range values {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaders lists the signed headers, one "name:value" line each with
// a trailing newline; the SDK signs the host it connects to.
func canonicalHeaders(r *http.Request, signedHeaders []string) string {
	var b strings.Builder
	for _, name := range signedHeaders {
		values := r.Header.Values(name)
		if name == "host" {
			values = []string{r.Host}
		}
		values = slices.Clone(values)
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	if b.Len() == 0 {
		return "\n"
	}
	return b.String()
}

func stringToSign(signedAt time.Time, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return algorithm + "\n" + signedAt.UTC().Format(dateFormat) + "\n" + hex.EncodeToString(sum[:])
}

func signature(secretKey, stringToSign string) []byte {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return mac.Sum(nil)
}

// escape percent-encodes every byte outside A-Z a-z 0-9 - _ . ~, in upper
// case, exactly as the SDK signer does (unlike url.PathEscape).
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
