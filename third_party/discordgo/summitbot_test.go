package discordgo

// Tests of summitbot's change (SUMMITBOT.md): Close waits for the server to
// close the connection, at most a second, instead of always a second.

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// gateway is a gateway that says hello, reads the identify, sends READY and
// then reads until the connection ends. When answerClose is false it
// neither answers the client's close frame nor closes the connection, as a
// hung server would. The close code it got, or -1, arrives on closed.
func gateway(t *testing.T, answerClose bool) (url string, closed <-chan int) {
	t.Helper()
	codes := make(chan int, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		if !answerClose {
			c.SetCloseHandler(func(int, string) error { return nil })
		}
		if err := c.WriteJSON(map[string]interface{}{"op": 10, "d": map[string]interface{}{"heartbeat_interval": 45000}}); err != nil {
			t.Error(err)
			return
		}
		if _, _, err := c.ReadMessage(); err != nil { // identify
			t.Error(err)
			return
		}
		ready := map[string]interface{}{"op": 0, "t": "READY", "s": 1, "d": map[string]interface{}{"session_id": "s", "user": map[string]interface{}{"id": "1"}}}
		if err := c.WriteJSON(ready); err != nil {
			t.Error(err)
			return
		}
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				var ce *websocket.CloseError
				if errors.As(err, &ce) {
					codes <- ce.Code
				} else {
					codes <- -1
				}
				if !answerClose {
					<-release
				}
				return
			}
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/?v=" + APIVersion + "&encoding=json", codes
}

func openSession(t *testing.T, url string) *Session {
	t.Helper()
	s, err := New("Bot token")
	if err != nil {
		t.Fatal(err)
	}
	s.gateway = url
	s.ShouldReconnectOnError = false // as summitbot's bot sets it before Close
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCloseWaitsForTheServer: the server answers the close frame at once,
// so Close returns well within the second that upstream always slept, and
// the server got a normal close first.
func TestCloseWaitsForTheServer(t *testing.T) {
	url, closed := gateway(t, true)
	s := openSession(t, url)
	begin := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took >= time.Second/2 {
		t.Errorf("Close took %v with a server that answers at once, want well under 1s", took)
	}
	if code := <-closed; code != websocket.CloseNormalClosure {
		t.Errorf("server got close code %d, want %d", code, websocket.CloseNormalClosure)
	}
}

// TestCloseGivesUpOnAHungServer: a server that never answers the close
// frame holds Close for a second, as upstream's sleep did, and no longer.
func TestCloseGivesUpOnAHungServer(t *testing.T) {
	url, closed := gateway(t, false)
	s := openSession(t, url)
	begin := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < 900*time.Millisecond || took > 5*time.Second {
		t.Errorf("Close took %v with a server that never answers, want about 1s", took)
	}
	if code := <-closed; code != websocket.CloseNormalClosure {
		t.Errorf("server got close code %d, want %d", code, websocket.CloseNormalClosure)
	}
}
