package discordtest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultPermissions are the permissions of the member the builders make: a
// plain member who can read, write and use commands, but not moderate.
const DefaultPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionAddReactions |
	discordgo.PermissionUseApplicationCommands

// interaction is the fake's record of an interaction it sent, for checking
// the bot's answers to it.
type interaction struct {
	id, token string
	channelID string
	typ       discordgo.InteractionType
	messageID string // component interactions: the message the component is on

	acked     bool
	original  string // ID of the original response message, once there is one
	followups map[string]bool
}

// An InteractionOption changes who sends an interaction, and where.
type InteractionOption func(*interactionConfig)

type interactionConfig struct {
	user       *discordgo.User
	perms      int64
	roles      []string
	guildID    string
	channelID  string
	channelSet bool
	dm         bool
	message    *discordgo.Message
}

// From makes the interaction come from the given user instead of UserID.
func From(userID, username string) InteractionOption {
	return func(c *interactionConfig) {
		c.user = &discordgo.User{ID: userID, Username: username, Discriminator: "0"}
	}
}

// WithPermissions sets member.permissions, replacing DefaultPermissions; use
// discordgo.Permission* constants.
func WithPermissions(perms int64) InteractionOption {
	return func(c *interactionConfig) { c.perms = perms }
}

// WithRoles sets the member's role IDs.
func WithRoles(roleIDs ...string) InteractionOption {
	return func(c *interactionConfig) { c.roles = roleIDs }
}

// InChannel sends the interaction from channelID instead of ChannelID.
func InChannel(channelID string) InteractionOption {
	return func(c *interactionConfig) { c.channelID, c.channelSet = channelID, true }
}

// InGuild sends the interaction from guildID instead of GuildID, in a
// channel of its own unless InChannel says which. With a sharded bot, the
// guild decides which shard gets it (see ShardOf).
func InGuild(guildID string) InteractionOption {
	return func(c *interactionConfig) {
		c.guildID = guildID
		if !c.channelSet {
			c.channelID = newID()
		}
	}
}

// InDM sends the interaction from a direct message: no guild_id, and user
// instead of member, as Discord does.
func InDM() InteractionOption {
	return func(c *interactionConfig) { c.dm = true }
}

// OnMessage sets the message a component interaction comes from; by default
// it is a fresh bot message holding the component. A message the fake does
// not know yet is stored, so that responses can update it.
func OnMessage(m *discordgo.Message) InteractionOption {
	return func(c *interactionConfig) { c.message = m }
}

func newInteraction(typ discordgo.InteractionType, data discordgo.InteractionData, opts []InteractionOption) (*discordgo.Interaction, *interactionConfig) {
	c := &interactionConfig{
		user:      defaultUser(),
		perms:     DefaultPermissions,
		roles:     []string{},
		guildID:   GuildID,
		channelID: ChannelID,
	}
	for _, opt := range opts {
		opt(c)
	}
	id := newID()
	i := &discordgo.Interaction{
		ID:        id,
		AppID:     AppID,
		Type:      typ,
		Data:      data,
		ChannelID: c.channelID,
		Token:     "token-" + id,
		Version:   1,
		Locale:    discordgo.EnglishUS,
	}
	if c.dm {
		if !c.channelSet {
			i.ChannelID = newID()
		}
		i.User = c.user
		i.Context = discordgo.InteractionContextBotDM
	} else {
		locale := discordgo.EnglishUS
		i.GuildID = c.guildID
		i.GuildLocale = &locale
		i.Member = &discordgo.Member{User: c.user, Permissions: c.perms, Roles: c.roles}
		i.Context = discordgo.InteractionContextGuild
	}
	return i, c
}

// SlashCommand builds a chat input command interaction (type 2). Each entry
// of opts becomes an option of type string, boolean, integer or number after
// its Go type; any other type panics. Options are sorted by name.
func SlashCommand(name string, opts map[string]any, o ...InteractionOption) *discordgo.Interaction {
	i, _ := newInteraction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		ID:          newID(),
		Name:        name,
		CommandType: discordgo.ChatApplicationCommand,
		Options:     commandOptions(opts, ""),
	}, o)
	return i
}

// Autocomplete builds an autocomplete interaction (type 4) for a command
// whose option focused is being typed; it is added as "" if opts lacks it.
func Autocomplete(name string, opts map[string]any, focused string, o ...InteractionOption) *discordgo.Interaction {
	i, _ := newInteraction(discordgo.InteractionApplicationCommandAutocomplete, discordgo.ApplicationCommandInteractionData{
		ID:          newID(),
		Name:        name,
		CommandType: discordgo.ChatApplicationCommand,
		Options:     commandOptions(opts, focused),
	}, o)
	return i
}

// ButtonPress builds a message component interaction (type 3) for the button
// with customID, on the message OnMessage gives or a fresh bot message.
func ButtonPress(customID string, o ...InteractionOption) *discordgo.Interaction {
	i, c := newInteraction(discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{
		CustomID:      customID,
		ComponentType: discordgo.ButtonComponent,
	}, o)
	i.Message = c.message
	if i.Message == nil {
		i.Message = &discordgo.Message{
			ID:        newID(),
			ChannelID: i.ChannelID,
			GuildID:   i.GuildID,
			Author:    botUser(),
			Timestamp: time.Now().UTC(),
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{
				Components: []discordgo.MessageComponent{discordgo.Button{
					CustomID: customID,
					Label:    customID,
					Style:    discordgo.PrimaryButton,
				}},
			}},
		}
	}
	return i
}

func commandOptions(opts map[string]any, focused string) []*discordgo.ApplicationCommandInteractionDataOption {
	if _, ok := opts[focused]; focused != "" && !ok {
		opts = maps.Clone(opts)
		if opts == nil {
			opts = map[string]any{}
		}
		opts[focused] = ""
	}
	out := []*discordgo.ApplicationCommandInteractionDataOption{}
	for _, name := range slices.Sorted(maps.Keys(opts)) {
		v := opts[name]
		out = append(out, &discordgo.ApplicationCommandInteractionDataOption{
			Name:    name,
			Type:    optionType(name, v),
			Value:   v,
			Focused: name == focused,
		})
	}
	return out
}

func optionType(name string, v any) discordgo.ApplicationCommandOptionType {
	switch v.(type) {
	case string:
		return discordgo.ApplicationCommandOptionString
	case bool:
		return discordgo.ApplicationCommandOptionBoolean
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return discordgo.ApplicationCommandOptionInteger
	case float32, float64:
		return discordgo.ApplicationCommandOptionNumber
	}
	panic(fmt.Sprintf("discordtest: option %q has a %T; use a string, bool, integer or float", name, v))
}

// SendInteraction dispatches INTERACTION_CREATE for i and lets the bot answer
// it through the callback and webhook endpoints. Empty ID, Token, AppID and
// Version are filled in i itself, so the test can read them afterwards.
func (s *Server) SendInteraction(i *discordgo.Interaction) {
	if i.ID == "" {
		i.ID = newID()
	}
	if i.Token == "" {
		i.Token = "token-" + i.ID
	}
	if i.AppID == "" {
		i.AppID = AppID
	}
	if i.Version == 0 {
		i.Version = 1
	}
	in := &interaction{
		id:        i.ID,
		token:     i.Token,
		channelID: i.ChannelID,
		typ:       i.Type,
		followups: map[string]bool{},
	}

	s.mu.Lock()
	s.ensureChannelLocked(i.ChannelID, i.GuildID)
	if m := i.Message; m != nil {
		if m.ID == "" {
			m.ID = newID()
		}
		if m.ChannelID == "" {
			m.ChannelID = i.ChannelID
		}
		if m.Author == nil {
			m.Author = botUser()
		}
		if s.messages[m.ID] == nil {
			s.messages[m.ID] = clone(m)
		}
		in.messageID = m.ID
	}
	s.interactions[in.id] = in
	s.tokens[in.token] = in
	s.mu.Unlock()

	s.Dispatch("INTERACTION_CREATE", i)
}

// Tokens returns the token of every interaction the fake has sent, so
// that a test can check that none reaches a log.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for t := range s.tokens {
		out = append(out, t)
	}
	return out
}
