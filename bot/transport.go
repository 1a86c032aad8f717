package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// DefaultAPIURL is Discord's own REST API, the usual argument to APITransport.
const DefaultAPIURL = "https://discord.com/api/v10"

// discordAPIPath matches the /api or /api/vN prefix of a path on discord.com.
// discordgo v0.29.0 builds every REST URL, the gateway lookup included, as
// https://discord.com/api/v9/... from package variables (endpoints.go).
var discordAPIPath = regexp.MustCompile(`^/api(/v[0-9]+)?(/|$)`)

// APITransport returns a RoundTripper that sends the requests discordgo makes
// to https://discord.com/api/vN/... to apiURL instead: scheme and host become
// apiURL's, and the /api/vN prefix becomes apiURL's path. Requests to other
// hosts, such as cdn.discordapp.com, pass to next unchanged. A nil next means
// http.DefaultTransport.
//
// Setting it as a discordgo Session's Client.Transport points one session at a
// fake Discord, a proxy, or another API version without touching discordgo's
// global endpoint variables.
func APITransport(apiURL string, next http.RoundTripper) (http.RoundTripper, error) {
	base, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("api transport: parse %q: %w", apiURL, err)
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		return nil, fmt.Errorf("api transport: %q is not an absolute http(s) URL", apiURL)
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("api transport: %q has a query or fragment", apiURL)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &apiTransport{
		scheme: base.Scheme,
		host:   base.Host,
		path:   strings.TrimSuffix(base.EscapedPath(), "/"),
		next:   next,
	}, nil
}

type apiTransport struct {
	scheme string
	host   string
	path   string // escaped, without a trailing slash
	next   http.RoundTripper
}

func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Hostname(), "discord.com") {
		return t.next.RoundTrip(req)
	}
	escaped := req.URL.EscapedPath()
	prefix := discordAPIPath.FindString(escaped)
	if prefix == "" {
		return t.next.RoundTrip(req)
	}
	rest := escaped[len(strings.TrimSuffix(prefix, "/")):]
	newPath := t.path + rest
	unescaped, err := url.PathUnescape(newPath)
	if err != nil {
		return nil, fmt.Errorf("api transport: rewrite %s: %w", req.URL.Redacted(), err)
	}

	// The RoundTripper contract forbids changing the caller's request.
	out := req.Clone(req.Context())
	out.URL.Scheme = t.scheme
	out.URL.Host = t.host
	out.URL.Path = unescaped
	out.URL.RawPath = newPath
	// http.NewRequest set Host to discord.com, and the transport prefers it
	// over URL.Host for the Host header.
	out.Host = t.host
	return t.next.RoundTrip(out)
}
