package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// writeTimeout bounds every gateway write, so that a client that stopped
// reading cannot hold up Dispatch or Close.
const writeTimeout = 10 * time.Second

// Gateway opcodes the fake speaks.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// A Handshake is one gateway connection the fake accepted, by READY or RESUMED.
type Handshake struct {
	SessionID string
	// Resumed is true when the client resumed an existing session with op 6
	// and got RESUMED, false when it identified with op 2 and got READY.
	Resumed bool
	// Identify is what the client sent in op 2, without Presence; nil after
	// a resume.
	Identify *discordgo.Identify
	// Token is the token from Identify or Resume, for example "Bot xyz".
	Token string
	// Query is the query of the websocket URL, e.g. "v=9&encoding=json".
	Query string
	Time  time.Time
}

// maxReplay bounds how many events a session keeps for resuming clients.
const maxReplay = 1000

// session is a gateway session. It numbers its events and keeps them, so
// that a client resuming after a drop gets what it missed, as on Discord.
type session struct {
	id string
	// shard is [shard_id, num_shards] from Identify; zero when the client
	// did not shard.
	shard [2]int

	mu  sync.Mutex
	seq int64
	log []event
}

// event is one dispatch; seq is 0 until a session numbers it.
type event struct {
	seq   int64
	typ   string
	data  json.RawMessage
	guild string // the data's guild_id, which decides the shard it goes to
}

// wants reports whether e goes to this session's shard. As on Discord, a
// guild's events go to shard (guild_id >> 22) % num_shards, and events
// outside any guild (DMs) to shard 0.
func (sess *session) wants(e event) bool {
	if sess.shard[1] <= 1 {
		return true
	}
	if e.guild == "" {
		return sess.shard[0] == 0
	}
	return ShardOf(e.guild, sess.shard[1]) == sess.shard[0]
}

// ShardOf returns the shard that gets guildID's events when the bot runs
// shardCount shards: (guild_id >> 22) % shardCount, as on Discord.
func ShardOf(guildID string, shardCount int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || shardCount <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(shardCount))
}

// next numbers e and, if replayable, logs it for resumes. READY and RESUMED
// are not replayable.
func (sess *session) next(e event, replayable bool) event {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	sess.seq++
	e.seq = sess.seq
	if replayable {
		if len(sess.log) == maxReplay {
			sess.log = sess.log[1:]
		}
		sess.log = append(sess.log, e)
	}
	return e
}

// since returns the logged events after seq.
func (sess *session) since(seq int64) []event {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	var out []event
	for _, e := range sess.log {
		if e.seq > seq {
			out = append(out, e)
		}
	}
	return out
}

type gatewayConn struct {
	ws    *websocket.Conn
	query string

	// writeMu serialises writes, as gorilla/websocket requires, and keeps
	// sequence numbers in the order frames go out.
	writeMu sync.Mutex
	session *session // set under both writeMu and Server.mu at handshake

	// Guarded by Server.mu.
	handshaken bool // READY or RESUMED is on its way
	heartbeat  bool // the client sent op 1
	counted    bool // counted in Server.live
}

// frame is a gateway payload in either direction.
type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

func (c *gatewayConn) writeLocked(f frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gatewayConn) write(f frame) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeLocked(f)
}

// sendLocked writes an op 0 event that a session has numbered.
func (c *gatewayConn) sendLocked(e event) error {
	return c.writeLocked(frame{Op: opDispatch, D: e.data, S: &e.seq, T: &e.typ})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error.
	}
	c := &gatewayConn{ws: ws, query: r.URL.RawQuery}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = false
	s.mu.Unlock()
	defer func() {
		ws.Close()
		s.mu.Lock()
		if _, ok := s.conns[c]; ok {
			delete(s.conns, c)
			s.signalLocked()
		}
		s.mu.Unlock()
	}()

	hello, _ := json.Marshal(map[string]int64{"heartbeat_interval": s.heartbeat.Milliseconds()})
	if err := c.write(frame{Op: opHello, D: hello}); err != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return // closed by the client, DropConnections or Close
		}
		var f frame
		if err := json.Unmarshal(msg, &f); err != nil {
			s.closeWith(c, 4002, "Error while decoding payload.")
			return
		}
		switch f.Op {
		case opHeartbeat:
			s.heartbeatSeen(c)
			err = c.write(frame{Op: opHeartbeatAck})
		case opIdentify:
			err = s.identify(c, f.D)
		case opResume:
			err = s.resume(c, f.D)
		}
		// Presence updates, member requests and the like are ignored.
		if err != nil {
			return
		}
	}
}

// closeWith ends a connection with a close frame, as Discord does on a
// protocol error.
func (s *Server) closeWith(c *gatewayConn, code int, text string) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeTimeout))
}

func (s *Server) identify(c *gatewayConn, d json.RawMessage) error {
	// discordgo.Identify does not survive a JSON round trip: its presence
	// marshals created_at as a time string but unmarshals it as an integer.
	var id struct {
		Token          string                       `json:"token"`
		Properties     discordgo.IdentifyProperties `json:"properties"`
		Compress       bool                         `json:"compress"`
		LargeThreshold int                          `json:"large_threshold"`
		Shard          *[2]int                      `json:"shard"`
		Intents        discordgo.Intent             `json:"intents"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.closeWith(c, 4002, "Error while decoding payload.")
		return err
	}
	sess := &session{id: "session-" + newID()}
	if id.Shard != nil {
		sess.shard = *id.Shard
	}
	s.mu.Lock()
	s.sessions[sess.id] = sess
	s.mu.Unlock()

	version := 10
	query, _ := url.ParseQuery(c.query)
	if v, err := strconv.Atoi(query.Get("v")); err == nil {
		version = v
	}
	ready, err := json.Marshal(discordgo.Ready{
		Version:   version,
		SessionID: sess.id,
		User: &discordgo.User{
			ID:            BotUserID,
			Username:      BotUsername,
			Discriminator: "0",
			Bot:           true,
		},
		Application:     &discordgo.Application{ID: AppID},
		Guilds:          []*discordgo.Guild{},
		PrivateChannels: []*discordgo.Channel{},
	})
	if err != nil {
		return err
	}
	identify := &discordgo.Identify{
		Token:          id.Token,
		Properties:     id.Properties,
		Compress:       id.Compress,
		LargeThreshold: id.LargeThreshold,
		Shard:          id.Shard,
		Intents:        id.Intents,
	}
	return s.handshake(c, sess, event{typ: "READY", data: ready}, nil, Handshake{Identify: identify, Token: id.Token})
}

func (s *Server) resume(c *gatewayConn, d json.RawMessage) error {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &r); err != nil {
		s.closeWith(c, 4002, "Error while decoding payload.")
		return err
	}
	s.mu.Lock()
	sess := s.sessions[r.SessionID]
	s.mu.Unlock()
	if sess == nil {
		// d false: the session cannot be resumed. discordgo identifies
		// again on the same connection (wsapi.go onEvent, op 9).
		return c.write(frame{Op: opInvalidSession, D: json.RawMessage("false")})
	}
	resumed := event{typ: "RESUMED", data: json.RawMessage(`{"_trace":["discordtest"]}`)}
	return s.handshake(c, sess, resumed, sess.since(r.Seq), Handshake{Resumed: true, Token: r.Token})
}

// handshake sends a resuming client the events it missed and then RESUMED
// (Discord's order), or sends READY; makes c a target for Dispatch; and sends
// c the events dispatched while no client was connected. The handshake is
// recorded before anything goes out, because the client may act on READY (a
// test calling DropConnections right after Open) before a later record
// happened; holding writeMu meanwhile keeps any dispatch behind the handshake.
func (s *Server) handshake(c *gatewayConn, sess *session, hello event, replay []event, h Handshake) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()

	s.mu.Lock()
	if _, ok := s.conns[c]; !ok {
		s.mu.Unlock()
		return nil // dropped meanwhile; the read loop ends next
	}
	c.session = sess
	c.handshaken = true
	s.conns[c] = true
	h.SessionID, h.Query, h.Time = sess.id, c.query, time.Now()
	s.handshakes = append(s.handshakes, h)
	s.countLocked(c)
	// Events waiting for a client go to the first one of their shard.
	var pending, others []event
	for _, e := range s.pending {
		if sess.wants(e) {
			pending = append(pending, e)
		} else {
			others = append(others, e)
		}
	}
	s.pending = others
	s.signalLocked()
	s.mu.Unlock()

	for _, e := range replay {
		if err := c.sendLocked(e); err != nil {
			s.requeue(pending)
			return err
		}
	}
	if err := c.sendLocked(sess.next(hello, false)); err != nil {
		s.requeue(pending)
		return err
	}
	for n, e := range pending {
		// Once numbered, the event is in the session's log and a resume
		// replays it, so only the ones after it go back to the queue.
		if err := c.sendLocked(sess.next(e, true)); err != nil {
			s.requeue(pending[n+1:])
			return err
		}
	}
	return nil
}

// heartbeatSeen notes the client's first heartbeat on c.
func (s *Server) heartbeatSeen(c *gatewayConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.heartbeat {
		c.heartbeat = true
		s.countLocked(c)
	}
}

// countLocked counts c as connected once it has both completed its handshake
// and sent a heartbeat. discordgo starts its heartbeat goroutine only after
// Open has returned (wsapi.go:201); a session closed before that goroutine's
// first heartbeat reconnects after Close and retries forever (wsapi.go:296-307).
// Waiting for the heartbeat makes "connected" mean safe to close.
func (s *Server) countLocked(c *gatewayConn) {
	if c.handshaken && c.heartbeat && !c.counted {
		c.counted = true
		s.live++
		s.signalLocked()
	}
}

// requeue puts back events a dying connection could not take.
func (s *Server) requeue(events []event) {
	if len(events) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(append([]event(nil), events...), s.pending...)
}

// Dispatch sends an op 0 event of type eventType with data as "d" to every
// connected client of the event's shard (see ShardOf; every client when
// they do not shard), each with its session's next sequence number. A client
// that resumes after a drop gets the events it missed replayed, as on
// Discord; and when no client is connected at all, the event waits for the
// next handshake, so a test need not wait for the bot before dispatching.
func (s *Server) Dispatch(eventType string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		s.tb.Errorf("discordtest: dispatch %s: %v", eventType, err)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.tb.Errorf("discordtest: dispatch %s after Close", eventType)
		return
	}
	var g struct {
		GuildID string `json:"guild_id"`
	}
	json.Unmarshal(b, &g) // not every event is an object with a guild
	e := event{typ: eventType, data: b, guild: g.GuildID}
	var targets []*gatewayConn
	for c, ready := range s.conns {
		if ready && c.session.wants(e) {
			targets = append(targets, c)
		}
	}
	if len(targets) == 0 {
		s.pending = append(s.pending, e)
	}
	s.mu.Unlock()

	for _, c := range targets {
		c.writeMu.Lock()
		err := c.sendLocked(c.session.next(e, true))
		c.writeMu.Unlock()
		if err != nil {
			// The client reconnects and, resuming, gets the event replayed.
			c.ws.Close()
		}
	}
}

// DropConnections closes every gateway connection at once, without a close
// frame, as a network failure would. Sessions survive, so clients can resume.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.takeConnsLocked()
	s.signalLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
}

// InvalidateSessions forgets every gateway session, so that the next Resume
// is answered with op 9 Invalid Session and the client must identify again.
// Use it with DropConnections to test the path where resuming fails.
func (s *Server) InvalidateSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

func (s *Server) takeConnsLocked() []*gatewayConn {
	conns := make([]*gatewayConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	clear(s.conns)
	return conns
}

// Connected returns how many gateway connections are open, past their
// handshake, and heartbeating.
func (s *Server) Connected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if c.counted {
			n++
		}
	}
	return n
}

// Handshakes returns every handshake so far, oldest first.
func (s *Server) Handshakes() []Handshake {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Handshake(nil), s.handshakes...)
}

// WaitConnected waits until n gateway connections since the server started
// have completed their handshake (READY or RESUMED) and sent a heartbeat,
// counting those already done: after one DropConnections,
// WaitConnected(ctx, 2) waits for the reconnect. Call it after the bot's Open
// and before its Close: until discordgo's first heartbeat on a connection,
// closing the session can leave it reconnecting forever.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		done, changed, closed := s.live, s.changed, s.closed
		s.mu.Unlock()
		if done >= n {
			return nil
		}
		if closed {
			return fmt.Errorf("discordtest: wait for %d connections: server closed after %d", n, done)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("discordtest: wait for %d connections, have %d: %w", n, done, ctx.Err())
		case <-changed:
		}
	}
}
