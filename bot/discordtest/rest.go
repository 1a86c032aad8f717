package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Discord's JSON error codes the fake answers with.
const (
	codeUnknownApplication  = 10002
	codeUnknownChannel      = 10003
	codeUnknownMessage      = 10008
	codeUnknownWebhook      = 10015
	codeUnknownInteraction  = 10062
	codeCannotEditOthers    = 50005
	codeEmptyMessage        = 50006
	codeInvalidFormBody     = 50035
	codeAlreadyAcknowledged = 40060
	codeThreadAlreadyExists = 160004
)

// request is a REST call on its way through a handler.
type request struct {
	call   *Call
	params map[string]string // from {name} segments of the route
}

type route struct {
	method  string
	pattern []string
	handle  func(*Server, *request) response
}

// newRoute makes a route from "METHOD seg/{param}/seg".
func newRoute(pattern string, handle func(*Server, *request) response) route {
	method, p, _ := strings.Cut(pattern, " ")
	return route{method: method, pattern: strings.Split(p, "/"), handle: handle}
}

func (rt route) match(method string, segs []string) (map[string]string, bool) {
	if method != rt.method || len(segs) != len(rt.pattern) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range rt.pattern {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			if segs[i] == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "}")] = segs[i]
		} else if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// routes are the REST endpoints the fake implements; anything else is 404.
var routes = []route{
	newRoute("GET gateway", (*Server).getGateway),
	newRoute("GET gateway/bot", (*Server).getGatewayBot),
	newRoute("PUT applications/{app}/commands", (*Server).putCommands),
	newRoute("PUT applications/{app}/guilds/{guild}/commands", (*Server).putCommands),
	newRoute("POST interactions/{id}/{token}/callback", (*Server).postCallback),
	newRoute("POST webhooks/{app}/{token}", (*Server).postFollowup),
	newRoute("GET webhooks/{app}/{token}/messages/{msg}", (*Server).getWebhookMessage),
	newRoute("PATCH webhooks/{app}/{token}/messages/{msg}", (*Server).patchWebhookMessage),
	newRoute("DELETE webhooks/{app}/{token}/messages/{msg}", (*Server).deleteWebhookMessage),
	newRoute("GET channels/{channel}", (*Server).getChannel),
	newRoute("POST channels/{channel}/messages", (*Server).postMessage),
	newRoute("GET channels/{channel}/messages/{msg}", (*Server).getMessage),
	newRoute("PATCH channels/{channel}/messages/{msg}", (*Server).patchMessage),
	newRoute("POST channels/{channel}/typing", (*Server).postTyping),
	newRoute("PUT channels/{channel}/messages/{msg}/reactions/{emoji}/@me", (*Server).putReaction),
	newRoute("POST channels/{channel}/threads", (*Server).postThread),
	newRoute("POST channels/{channel}/messages/{msg}/threads", (*Server).postMessageThread),
}

func (s *Server) getGateway(*request) response {
	return jsonResponse(http.StatusOK, map[string]string{"url": s.gatewayURL()})
}

func (s *Server) getGatewayBot(*request) response {
	return jsonResponse(http.StatusOK, map[string]any{
		"url":    s.gatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]int{
			"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1,
		},
	})
}

// putCommands answers a bulk overwrite with the commands, IDs assigned.
func (s *Server) putCommands(r *request) response {
	if r.params["app"] != AppID {
		return errorResponse(http.StatusNotFound, codeUnknownApplication, "Unknown Application")
	}
	var cmds []*discordgo.ApplicationCommand
	if err := r.call.Decode(&cmds); err != nil {
		return invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error())
	}
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	for _, c := range cmds {
		if c.ID == "" {
			c.ID = newID()
		}
		c.ApplicationID = AppID
		c.GuildID = r.params["guild"]
		c.Version = newID()
	}
	return jsonResponse(http.StatusOK, cmds)
}

// postCallback answers an interaction: 204, as Discord does without
// with_response.
func (s *Server) postCallback(r *request) response {
	var body struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := r.call.Decode(&body); err != nil {
		return invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.params["id"]]
	if in == nil || in.token != r.params["token"] {
		return errorResponse(http.StatusNotFound, codeUnknownInteraction, "Unknown interaction")
	}
	if in.acked {
		return errorResponse(http.StatusBadRequest, codeAlreadyAcknowledged, "Interaction has already been acknowledged.")
	}

	switch body.Type {
	case discordgo.InteractionResponsePong, discordgo.InteractionResponseModal:
	case discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m, err := decodeMessage(body.Data)
		if err != nil {
			return invalidForm("data", "BASE_TYPE_BAD_FORMAT", err.Error())
		}
		if body.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			// Only flags count; the message shows "thinking" until edited.
			m = &discordgo.Message{Flags: m.Flags | discordgo.MessageFlagsLoading}
		} else if resp, ok := checkMessage(m, true); !ok {
			return resp
		}
		m.WebhookID = AppID
		s.storeNewLocked(m, in.channelID)
		in.original = m.ID
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		old := s.messages[in.messageID]
		if old == nil {
			return invalidForm("type", "INTERACTION_TYPE_INVALID", "Only component interactions can update a message.")
		}
		if body.Type == discordgo.InteractionResponseUpdateMessage {
			m, resp, ok := editedMessage(old, body.Data)
			if !ok {
				return resp
			}
			s.messages[m.ID] = m
		}
		in.original = in.messageID
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if in.typ != discordgo.InteractionApplicationCommandAutocomplete {
			return invalidForm("type", "INTERACTION_TYPE_INVALID", "Autocomplete results answer autocomplete interactions only.")
		}
		var d struct {
			Choices []json.RawMessage `json:"choices"`
		}
		if err := json.Unmarshal(body.Data, &d); err != nil {
			return invalidForm("data", "BASE_TYPE_BAD_FORMAT", err.Error())
		}
		if len(d.Choices) > 25 {
			return invalidForm("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
	default:
		return invalidForm("type", "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9}.")
	}
	in.acked = true
	return noContent()
}

// webhookLocked finds the interaction a webhook URL belongs to.
func (s *Server) webhookLocked(r *request) (*interaction, response, bool) {
	in := s.tokens[r.params["token"]]
	if r.params["app"] != AppID || in == nil {
		return nil, errorResponse(http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook"), false
	}
	return in, response{}, true
}

// webhookMessageLocked finds @original or a follow-up of the interaction.
func (s *Server) webhookMessageLocked(r *request) (*interaction, *discordgo.Message, response, bool) {
	in, resp, ok := s.webhookLocked(r)
	if !ok {
		return nil, nil, resp, false
	}
	id := r.params["msg"]
	if id == "@original" {
		id = in.original
	} else if !in.followups[id] {
		id = ""
	}
	m := s.messages[id]
	if m == nil {
		return nil, nil, errorResponse(http.StatusNotFound, codeUnknownMessage, "Unknown Message"), false
	}
	return in, m, response{}, true
}

// postFollowup creates a follow-up message. Discord always waits for
// interaction follow-ups, so the message is returned even without ?wait=true.
func (s *Server) postFollowup(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, resp, ok := s.webhookLocked(r)
	if !ok {
		return resp
	}
	m, err := decodeMessage(r.call.json)
	if err != nil {
		return invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error())
	}
	if resp, ok := checkMessage(m, true); !ok {
		return resp
	}
	m.WebhookID = AppID
	s.storeNewLocked(m, in.channelID)
	in.followups[m.ID] = true
	return jsonResponse(http.StatusOK, m)
}

func (s *Server) getWebhookMessage(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, resp, ok := s.webhookMessageLocked(r)
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, m)
}

func (s *Server) patchWebhookMessage(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, old, resp, ok := s.webhookMessageLocked(r)
	if !ok {
		return resp
	}
	m, resp, ok := editedMessage(old, r.call.json)
	if !ok {
		return resp
	}
	s.messages[m.ID] = m
	return jsonResponse(http.StatusOK, m)
}

func (s *Server) deleteWebhookMessage(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, m, resp, ok := s.webhookMessageLocked(r)
	if !ok {
		return resp
	}
	delete(s.messages, m.ID)
	delete(in.followups, m.ID)
	if in.original == m.ID {
		in.original = ""
	}
	return noContent()
}

func (s *Server) channelLocked(id string) (*discordgo.Channel, response, bool) {
	ch := s.channels[id]
	if ch == nil {
		return nil, errorResponse(http.StatusNotFound, codeUnknownChannel, "Unknown Channel"), false
	}
	return ch, response{}, true
}

func (s *Server) getChannel(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, resp, ok := s.channelLocked(r.params["channel"])
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, ch)
}

// postMessage creates a message from the bot. A message_reference to a
// stored message makes it a reply carrying referenced_message.
func (s *Server) postMessage(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, resp, ok := s.channelLocked(r.params["channel"]); !ok {
		return resp
	}
	m, err := decodeMessage(r.call.json)
	if err != nil {
		return invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error())
	}
	if resp, ok := checkMessage(m, true); !ok {
		return resp
	}
	// With enforce_nonce, Discord returns the message the nonce made
	// already instead of making another: a retried create is idempotent.
	var n struct {
		Nonce        any  `json:"nonce"`
		EnforceNonce bool `json:"enforce_nonce"`
	}
	json.Unmarshal(r.call.json, &n)
	nonce := ""
	if n.EnforceNonce && n.Nonce != nil {
		nonce = fmt.Sprint(n.Nonce)
		if old := s.messages[s.nonces[nonce]]; old != nil {
			return jsonResponse(http.StatusOK, old)
		}
	}
	if ref := m.MessageReference; ref != nil {
		m.Type = discordgo.MessageTypeReply
		if ref.ChannelID == "" {
			ref.ChannelID = r.params["channel"]
		}
		if orig := s.messages[ref.MessageID]; orig != nil {
			m.ReferencedMessage = clone(orig)
		}
	}
	s.storeNewLocked(m, r.params["channel"])
	if nonce != "" {
		s.nonces[nonce] = m.ID
	}
	return jsonResponse(http.StatusOK, m)
}

func (s *Server) messageLocked(r *request) (*discordgo.Message, response, bool) {
	m := s.messages[r.params["msg"]]
	if m == nil || m.ChannelID != r.params["channel"] {
		return nil, errorResponse(http.StatusNotFound, codeUnknownMessage, "Unknown Message"), false
	}
	return m, response{}, true
}

func (s *Server) getMessage(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, resp, ok := s.messageLocked(r)
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, m)
}

func (s *Server) patchMessage(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, resp, ok := s.messageLocked(r)
	if !ok {
		return resp
	}
	if old.Author == nil || old.Author.ID != BotUserID {
		return errorResponse(http.StatusForbidden, codeCannotEditOthers, "Cannot edit a message authored by another user")
	}
	m, resp, ok := editedMessage(old, r.call.json)
	if !ok {
		return resp
	}
	s.messages[m.ID] = m
	return jsonResponse(http.StatusOK, m)
}

// putReaction adds the bot's reaction to a message.
func (s *Server) putReaction(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, resp, ok := s.messageLocked(r)
	if !ok {
		return resp
	}
	emoji := r.params["emoji"]
	for _, re := range m.Reactions {
		if re.Emoji != nil && re.Emoji.Name == emoji {
			if !re.Me {
				re.Me = true
				re.Count++
			}
			return noContent()
		}
	}
	m.Reactions = append(m.Reactions, &discordgo.MessageReactions{Count: 1, Me: true, Emoji: &discordgo.Emoji{Name: emoji}})
	return noContent()
}

func (s *Server) postTyping(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, resp, ok := s.channelLocked(r.params["channel"]); !ok {
		return resp
	}
	return noContent()
}

// postThread starts a thread without a message. Like Discord, the type
// defaults to a private thread.
func (s *Server) postThread(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	parent, resp, ok := s.channelLocked(r.params["channel"])
	if !ok {
		return resp
	}
	var ts discordgo.ThreadStart
	if err := r.call.Decode(&ts); err != nil {
		return invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error())
	}
	if ts.Type == 0 {
		ts.Type = discordgo.ChannelTypeGuildPrivateThread
	}
	return s.startThreadLocked(newID(), parent, ts)
}

// postMessageThread starts a public thread from a message; as on Discord,
// the thread's ID is the message's.
func (s *Server) postMessageThread(r *request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	parent, resp, ok := s.channelLocked(r.params["channel"])
	if !ok {
		return resp
	}
	m, resp, ok := s.messageLocked(r)
	if !ok {
		return resp
	}
	if s.channels[m.ID] != nil {
		return errorResponse(http.StatusBadRequest, codeThreadAlreadyExists, "A thread has already been created for this message")
	}
	var ts discordgo.ThreadStart
	if err := r.call.Decode(&ts); err != nil {
		return invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error())
	}
	ts.Type = discordgo.ChannelTypeGuildPublicThread
	return s.startThreadLocked(m.ID, parent, ts)
}

func (s *Server) startThreadLocked(id string, parent *discordgo.Channel, ts discordgo.ThreadStart) response {
	if ts.Name == "" {
		return invalidForm("name", "BASE_TYPE_REQUIRED", "This field is required")
	}
	ch := &discordgo.Channel{
		ID:       id,
		GuildID:  parent.GuildID,
		ParentID: parent.ID,
		OwnerID:  BotUserID,
		Name:     ts.Name,
		Type:     ts.Type,
		ThreadMetadata: &discordgo.ThreadMetadata{
			AutoArchiveDuration: ts.AutoArchiveDuration,
			Invitable:           ts.Invitable,
		},
	}
	s.channels[id] = ch
	return jsonResponse(http.StatusCreated, ch)
}

// invalidForm is Discord's 400 for a field that fails validation. field is
// dotted ("embeds.0.title") and nests as Discord nests it.
func invalidForm(field, code, message string) response {
	var errs any = map[string]any{"_errors": []map[string]string{{"code": code, "message": message}}}
	if field != "" {
		parts := strings.Split(field, ".")
		for i := len(parts) - 1; i >= 0; i-- {
			errs = map[string]any{parts[i]: errs}
		}
	}
	resp := jsonResponse(http.StatusBadRequest, map[string]any{
		"message": "Invalid Form Body",
		"code":    codeInvalidFormBody,
		"errors":  errs,
	})
	return resp
}
