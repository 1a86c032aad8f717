package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits, which the fake enforces on messages the bot
// creates or edits; Discord counts characters.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxAuthorName       = 256
	maxEmbedsTotal      = 6000
)

func botUser() *discordgo.User {
	return &discordgo.User{ID: BotUserID, Username: BotUsername, Discriminator: "0", Bot: true}
}

func defaultUser() *discordgo.User {
	return &discordgo.User{ID: UserID, Username: Username, Discriminator: "0"}
}

// AddChannel registers a channel, such as a thread with its ParentID and
// OwnerID, for GET channels/{id} and for posting into. An empty ID is filled
// in ch itself.
func (s *Server) AddChannel(ch *discordgo.Channel) {
	if ch.ID == "" {
		ch.ID = newID()
	}
	c := clone(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

// AddMessage stores a message, as if someone had posted it earlier, for
// GET channels/{channel}/messages/{id} and for replies to reference. Empty
// ID, ChannelID (ChannelID), Author (the default user) and Timestamp are
// filled in m itself. Nothing is dispatched; see SendMessage.
func (s *Server) AddMessage(m *discordgo.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fillMessageLocked(m)
	s.messages[m.ID] = clone(m)
}

// SendMessage stores a message like AddMessage and dispatches MESSAGE_CREATE
// for it. Mentions, when nil, are filled from <@id> in the content.
func (s *Server) SendMessage(m *discordgo.Message) {
	s.mu.Lock()
	s.fillMessageLocked(m)
	if m.Mentions == nil {
		m.Mentions = mentions(m.Content)
	}
	s.messages[m.ID] = clone(m)
	s.mu.Unlock()
	s.Dispatch("MESSAGE_CREATE", m)
}

func (s *Server) fillMessageLocked(m *discordgo.Message) {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.ChannelID == "" {
		m.ChannelID = ChannelID
	}
	if m.GuildID == "" {
		if ch := s.channels[m.ChannelID]; ch != nil {
			m.GuildID = ch.GuildID
		}
	}
	s.ensureChannelLocked(m.ChannelID, m.GuildID)
	if m.Author == nil {
		m.Author = defaultUser()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now().UTC()
	}
	// A reply carries the message it replies to, as Discord's
	// MESSAGE_CREATE does.
	if ref := m.MessageReference; ref != nil && m.ReferencedMessage == nil {
		m.Type = discordgo.MessageTypeReply
		if orig := s.messages[ref.MessageID]; orig != nil {
			m.ReferencedMessage = clone(orig)
		}
	}
}

// ensureChannelLocked registers a text channel the test used without adding
// it, so that the bot can answer there.
func (s *Server) ensureChannelLocked(id, guildID string) {
	if id == "" || s.channels[id] != nil {
		return
	}
	typ := discordgo.ChannelTypeGuildText
	if guildID == "" {
		typ = discordgo.ChannelTypeDM
	}
	s.channels[id] = &discordgo.Channel{ID: id, GuildID: guildID, Type: typ}
}

var mentionPattern = regexp.MustCompile(`<@!?([0-9]+)>`)

func mentions(content string) []*discordgo.User {
	users := []*discordgo.User{}
	for _, m := range mentionPattern.FindAllStringSubmatch(content, -1) {
		u := &discordgo.User{ID: m[1]}
		switch m[1] {
		case BotUserID:
			u = botUser()
		case UserID:
			u = defaultUser()
		}
		users = append(users, u)
	}
	return users
}

// storeNewLocked gives a message the bot sent its ID, place, author and time,
// and stores it.
func (s *Server) storeNewLocked(m *discordgo.Message, channelID string) {
	m.ID = newID()
	m.ChannelID = channelID
	if ch := s.channels[channelID]; ch != nil {
		m.GuildID = ch.GuildID
	}
	m.Author = botUser()
	m.Timestamp = time.Now().UTC()
	if m.Mentions == nil {
		m.Mentions = mentions(m.Content)
	}
	s.messages[m.ID] = m
}

// decodeMessage reads a message create or edit body. discordgo.Message
// shares the JSON names of discordgo.MessageSend and WebhookParams and, unlike
// them, can unmarshal components.
func decodeMessage(b []byte) (*discordgo.Message, error) {
	m := &discordgo.Message{}
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return m, nil
	}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, err
	}
	return m, nil
}

// editedMessage returns a copy of old with the fields present in body
// replaced, or the 400 Discord would answer.
func editedMessage(old *discordgo.Message, body []byte) (*discordgo.Message, response, bool) {
	var present map[string]json.RawMessage
	if len(body) > 0 {
		if err := json.Unmarshal(body, &present); err != nil {
			return nil, invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error()), false
		}
	}
	e, err := decodeMessage(body)
	if err != nil {
		return nil, invalidForm("", "BASE_TYPE_BAD_FORMAT", err.Error()), false
	}
	m := clone(old)
	if _, ok := present["content"]; ok {
		m.Content = e.Content
		m.Mentions = mentions(m.Content)
	}
	if _, ok := present["embeds"]; ok {
		m.Embeds = e.Embeds
	}
	if _, ok := present["components"]; ok {
		m.Components = e.Components
	}
	if _, ok := present["attachments"]; ok {
		m.Attachments = e.Attachments
	}
	if _, ok := present["flags"]; ok {
		m.Flags = e.Flags | m.Flags&discordgo.MessageFlagsEphemeral
	}
	m.Flags &^= discordgo.MessageFlagsLoading
	now := time.Now().UTC()
	m.EditedTimestamp = &now
	if resp, ok := checkMessage(m, false); !ok {
		return nil, resp, false
	}
	return m, response{}, true
}

// checkMessage applies Discord's limits to a message the bot sends; isNew
// also rejects an empty message.
func checkMessage(m *discordgo.Message, isNew bool) (response, bool) {
	if isNew && m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 &&
		len(m.Attachments) == 0 && len(m.StickerItems) == 0 && m.Poll == nil {
		return errorResponse(http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message"), false
	}
	tooLong := func(field string, max int) (response, bool) {
		return invalidForm(field, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max)), false
	}
	if utf8.RuneCountInString(m.Content) > maxContent {
		return tooLong("content", maxContent)
	}
	if len(m.Embeds) > maxEmbeds {
		return tooLong("embeds", maxEmbeds)
	}
	total := 0
	for i, e := range m.Embeds {
		field := func(name string) string { return fmt.Sprintf("embeds.%d.%s", i, name) }
		count := func(s string) int { n := utf8.RuneCountInString(s); total += n; return n }
		if count(e.Title) > maxEmbedTitle {
			return tooLong(field("title"), maxEmbedTitle)
		}
		if count(e.Description) > maxEmbedDescription {
			return tooLong(field("description"), maxEmbedDescription)
		}
		if len(e.Fields) > maxEmbedFields {
			return tooLong(field("fields"), maxEmbedFields)
		}
		for j, f := range e.Fields {
			if count(f.Name) > maxFieldName {
				return tooLong(field(fmt.Sprintf("fields.%d.name", j)), maxFieldName)
			}
			if count(f.Value) > maxFieldValue {
				return tooLong(field(fmt.Sprintf("fields.%d.value", j)), maxFieldValue)
			}
		}
		if e.Footer != nil && count(e.Footer.Text) > maxFooter {
			return tooLong(field("footer.text"), maxFooter)
		}
		if e.Author != nil && count(e.Author.Name) > maxAuthorName {
			return tooLong(field("author.name"), maxAuthorName)
		}
	}
	if total > maxEmbedsTotal {
		return invalidForm("embeds", "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedsTotal)), false
	}
	return response{}, true
}

// clone deep-copies a discordgo value through JSON, the form it travels in,
// so that the fake's copy and the test's never share memory.
func clone[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discordtest: copy %T: %v", v, err))
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic(fmt.Sprintf("discordtest: copy %T: %v", v, err))
	}
	return out
}

// Message returns a copy of the message with id as it stands now, the
// bot's edits applied, or false when the fake has none.
func (s *Server) Message(id string) (*discordgo.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil {
		return nil, false
	}
	return clone(m), true
}

// Original returns a copy of the original response to the interaction
// with token as it stands now: while it is deferred and not yet edited, its
// Flags hold discordgo.MessageFlagsLoading ("thinking…"). It returns false
// when the interaction has no response.
func (s *Server) Original(token string) (*discordgo.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.tokens[token]
	if in == nil || s.messages[in.original] == nil {
		return nil, false
	}
	return clone(s.messages[in.original]), true
}
