package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/retrieval"
)

// noMentions lets nothing in a message ping anyone: neither article text nor
// a user's question can reach @everyone, a role or a user. Parse is empty,
// not nil, so that it is sent as "parse": [].
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// message is what the bot says, before it is fitted to Discord's limits and
// sent as an interaction response, an edit or a channel message.
type message struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	ephemeral  bool
}

// fit brings m within Discord's limits on content and embeds.
func (m message) fit() message {
	m.content = trimText(m.content, maxContent)
	total := 0
	for i, e := range m.embeds {
		e = fitEmbed(e)
		if total+embedLength(e) > maxEmbedsTotal {
			m.embeds = m.embeds[:i]
			break
		}
		total += embedLength(e)
	}
	if m.content == "" && len(m.embeds) == 0 {
		m.content = "…"
	}
	return m
}

func (m message) flags() discordgo.MessageFlags {
	if m.ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// text is a plain message.
func text(s string, ephemeral bool) message {
	return message{content: s, ephemeral: ephemeral}
}

// interaction is one interaction being answered: it knows whether it has
// been acknowledged yet, and so how the next message must go out.
type interaction struct {
	b     *Bot
	s     *discordgo.Session
	i     *discordgo.Interaction
	ctx   context.Context
	start time.Time

	acked    bool // a callback was sent
	deferred bool // the callback was a deferred message
	ackAt    time.Duration

	// For the log line.
	command string
	outcome outcome
}

// user returns the user who sent the interaction.
func (in *interaction) user() *discordgo.User {
	if in.i.Member != nil && in.i.Member.User != nil {
		return in.i.Member.User
	}
	if in.i.User != nil {
		return in.i.User
	}
	return &discordgo.User{}
}

// rest bounds one REST call by the handler's context.
func (in *interaction) rest() discordgo.RequestOption {
	return discordgo.WithContext(in.ctx)
}

// deferReply acknowledges the interaction with "thinking…"; the answer
// follows with send.
func (in *interaction) deferReply(ephemeral bool) error {
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	err := in.s.InteractionRespond(in.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags, AllowedMentions: noMentions()},
	}, in.rest())
	if err != nil {
		return fmt.Errorf("acknowledge interaction: %w", err)
	}
	in.acked, in.deferred, in.ackAt = true, true, time.Since(in.start)
	return nil
}

// send answers the interaction with m: as the response when nothing was
// sent yet, as an edit of the deferred response otherwise (whose
// visibility was fixed when it was deferred). It returns the message when
// Discord says which it is.
func (in *interaction) send(m message) (*discordgo.Message, error) {
	m = m.fit()
	if !in.acked {
		err := in.s.InteractionRespond(in.i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content:         m.content,
				Embeds:          m.embeds,
				Components:      m.components,
				Flags:           m.flags(),
				AllowedMentions: noMentions(),
			},
		}, in.rest())
		if err != nil {
			return nil, fmt.Errorf("respond to interaction: %w", err)
		}
		in.acked, in.ackAt = true, time.Since(in.start)
		return nil, nil
	}
	embeds, components := m.embeds, m.components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	msg, err := in.s.InteractionResponseEdit(in.i, &discordgo.WebhookEdit{
		Content:         &m.content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}, in.rest())
	if err != nil {
		return nil, fmt.Errorf("edit interaction response: %w", err)
	}
	return msg, nil
}

// fail tells the user that something went wrong, with an error id that
// the log line carries too.
func (in *interaction) fail(err error) {
	id := errorID()
	in.outcome = outcomeError
	user := in.user()
	in.b.log.Error("interaction failed", "error_id", id, "interaction", in.i.ID, "user", user.ID,
		"guild", in.i.GuildID, "command", in.command, "err", err)
	if in.i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return // an autocomplete can only be answered with choices
	}
	if _, serr := in.send(text(failureText(id), true)); serr != nil {
		in.b.log.Warn("could not report a failure to the user", "error_id", id, "interaction", in.i.ID, "err", serr)
	}
}

// logDone writes the interaction's log line.
func (in *interaction) logDone() {
	user := in.user()
	in.b.cfg.Metrics.handled(in.command, in.outcome, time.Since(in.start))
	level := slog.LevelInfo
	if in.outcome == outcomeError {
		level = slog.LevelWarn
	}
	attrs := []any{
		"interaction", in.i.ID, "user", user.ID, "guild", in.i.GuildID, "channel", in.i.ChannelID,
		"command", in.command, "outcome", in.outcome, "latency", time.Since(in.start),
	}
	if in.acked {
		attrs = append(attrs, "ack", in.ackAt)
	}
	in.b.log.Log(context.Background(), level, "interaction", attrs...)
}

// failureText is what a user sees when the bot fails.
func failureText(id string) string {
	return fmt.Sprintf("Sorry — something went wrong on my side. If it keeps happening, tell a moderator the error id `%s`.", id)
}

// errorID returns a short random id that ties a user's error message to the
// log line with the details.
func errorID() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// cleanQuestion cleans a question once (retrieval.CleanQuestion) and
// returns it, or explains in one short line why it cannot be asked. The
// caller has removed mentions.
func cleanQuestion(q string, howToAsk string) (cleaned, problem string) {
	q, err := retrieval.CleanQuestion(q)
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuestion):
		return "", "Your question is empty. " + howToAsk
	case err != nil:
		return "", fmt.Sprintf("Your question is too long: please keep it under %d characters.", MaxQuestionLength)
	}
	return q, ""
}

// rateLimitText tells a user when they may ask again.
func rateLimitText(wait time.Duration) string {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("You're asking faster than I can keep up with — try again in %ds.", secs)
}

// restartingText answers what arrives while the bot shuts down.
const restartingText = "summitbot is restarting — please ask again in a minute."
