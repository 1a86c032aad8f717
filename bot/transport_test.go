package bot_test

import (
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/summitbot/summitbot/bot"
)

// lastRequest is a RoundTripper that keeps the request it was given.
type lastRequest struct{ req *http.Request }

func (l *lastRequest) RoundTrip(req *http.Request) (*http.Response, error) {
	l.req = req
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
}

func TestAPITransport(t *testing.T) {
	tests := []struct {
		name    string
		apiURL  string
		in      string
		want    string
		wantSet bool // whether next must see the caller's request itself
	}{
		{
			name:   "channel messages",
			apiURL: "http://127.0.0.1:5555/api/v10",
			in:     "https://discord.com/api/v9/channels/1/messages",
			want:   "http://127.0.0.1:5555/api/v10/channels/1/messages",
		},
		{
			name:   "gateway lookup",
			apiURL: "http://127.0.0.1:5555/api/v10",
			in:     "https://discord.com/api/v9/gateway",
			want:   "http://127.0.0.1:5555/api/v10/gateway",
		},
		{
			name:   "query kept",
			apiURL: "http://127.0.0.1:5555/api/v10",
			in:     "https://discord.com/api/v9/webhooks/7/tok?wait=true",
			want:   "http://127.0.0.1:5555/api/v10/webhooks/7/tok?wait=true",
		},
		{
			name:   "trailing slash on apiURL",
			apiURL: "http://127.0.0.1:5555/api/v10/",
			in:     "https://discord.com/api/v9/webhooks/7/tok/messages/@original",
			want:   "http://127.0.0.1:5555/api/v10/webhooks/7/tok/messages/@original",
		},
		{
			name:   "apiURL without a path",
			apiURL: "https://proxy.example",
			in:     "https://discord.com/api/v9/channels/1",
			want:   "https://proxy.example/channels/1",
		},
		{
			name:   "apiURL with a deeper path",
			apiURL: "https://proxy.example/discord/api/v9",
			in:     "https://discord.com/api/v9/interactions/5/tok/callback",
			want:   "https://proxy.example/discord/api/v9/interactions/5/tok/callback",
		},
		{
			name:   "unversioned api path",
			apiURL: "http://127.0.0.1:5555/api/v10",
			in:     "https://discord.com/api/users/@me",
			want:   "http://127.0.0.1:5555/api/v10/users/@me",
		},
		{
			name:   "escaped emoji kept escaped",
			apiURL: "http://127.0.0.1:5555/api/v10",
			in:     "https://discord.com/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
			want:   "http://127.0.0.1:5555/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
		},
		{
			name:    "cdn passes through",
			apiURL:  "http://127.0.0.1:5555/api/v10",
			in:      "https://cdn.discordapp.com/avatars/1/a.png",
			want:    "https://cdn.discordapp.com/avatars/1/a.png",
			wantSet: true,
		},
		{
			name:    "non-api path on discord.com passes through",
			apiURL:  "http://127.0.0.1:5555/api/v10",
			in:      "https://discord.com/apix/v9/channels",
			want:    "https://discord.com/apix/v9/channels",
			wantSet: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &lastRequest{}
			rt, err := bot.APITransport(tt.apiURL, next)
			if err != nil {
				t.Fatalf("APITransport(%q): %v", tt.apiURL, err)
			}
			req, err := http.NewRequest(http.MethodPost, tt.in, http.NoBody)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bot x")
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			resp.Body.Close()

			got := next.req
			if got.URL.String() != tt.want {
				t.Errorf("URL = %q, want %q", got.URL, tt.want)
			}
			if (got == req) != tt.wantSet {
				t.Errorf("next got the caller's request: %v, want %v", got == req, tt.wantSet)
			}
			if got.Host != "" && got.Host != got.URL.Host {
				t.Errorf("Host = %q, want %q", got.Host, got.URL.Host)
			}
			if got.Header.Get("Authorization") != "Bot x" {
				t.Errorf("Authorization header lost: %v", got.Header)
			}
			if req.URL.String() != tt.in || req.Host != req.URL.Host {
				t.Errorf("caller's request changed to %q (Host %q)", req.URL, req.Host)
			}
		})
	}
}

func TestAPITransportRejectsBadURL(t *testing.T) {
	for _, apiURL := range []string{
		"",
		"/api/v10",
		"127.0.0.1:5555/api/v10",
		"ftp://example.com/api",
		"http://example.com/api?x=1",
		"http://[::1",
	} {
		if _, err := bot.APITransport(apiURL, nil); err == nil {
			t.Errorf("APITransport(%q) = nil error, want one", apiURL)
		}
	}
}

// failing is a RoundTripper whose requests all fail as a dropped
// connection does.
type failing struct{}

func (failing) RoundTrip(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF }

// TestAPITransportErrorsNameNoToken: a failed request's error names the
// configured API and redacts interaction and webhook tokens.
func TestAPITransportErrorsNameNoToken(t *testing.T) {
	rt, err := bot.APITransport("http://127.0.0.1:5555/api/v10", failing{})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"https://discord.com/api/v9/webhooks/7/secret-token/messages/@original?wait=true": "PATCH http://127.0.0.1:5555/api/v10/webhooks/7/[redacted]/messages/@original: unexpected EOF",
		"https://discord.com/api/v9/interactions/5/secret-token/callback":                 "PATCH http://127.0.0.1:5555/api/v10/interactions/5/[redacted]/callback: unexpected EOF",
		"https://discord.com/api/v9/webhooks/7/secret-token":                              "PATCH http://127.0.0.1:5555/api/v10/webhooks/7/[redacted]: unexpected EOF",
		"https://discord.com/api/v9/channels/1/messages":                                  "PATCH http://127.0.0.1:5555/api/v10/channels/1/messages: unexpected EOF",
	} {
		req, err := http.NewRequest(http.MethodPatch, in, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		_, err = rt.RoundTrip(req)
		if err == nil || err.Error() != want {
			t.Errorf("RoundTrip(%s) error %v, want %q", in, err, want)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("RoundTrip(%s) error %v does not wrap the cause", in, err)
		}
	}
}
