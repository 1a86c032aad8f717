package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

// respond sends the interaction's callback, retried within Discord's
// window for acknowledging it. stage names it for the log should it be
// lost; what says which reply it carries.
func (in *interaction) respond(ctx context.Context, r *discordgo.InteractionResponse, stage, what string) error {
	p := callPolicy{deadline: in.start.Add(ackWindow), retry: true, callback: true, about: []any{"interaction", in.i.ID, "stage", stage}}
	err := in.b.call(ctx, p, func(opts ...discordgo.RequestOption) error {
		return in.s.InteractionRespond(in.i, r, opts...)
	})
	if err != nil {
		return &undelivered{stage: stage, what: what, err: err}
	}
	return nil
}

// deferReply acknowledges the interaction with "thinking…"; the answer
// follows with send.
func (in *interaction) deferReply(ephemeral bool) error {
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	err := in.respond(in.ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags, AllowedMentions: noMentions()},
	}, "acknowledgement", in.command)
	if err != nil {
		return fmt.Errorf("acknowledge interaction: %w", err)
	}
	in.acked, in.deferred, in.ackAt = true, true, time.Since(in.start)
	return nil
}

// send answers the interaction with m: as the response when nothing was
// sent yet, as an edit of the deferred response otherwise (whose
// visibility was fixed when it was deferred). Either is retried within the
// interaction's window. It returns the message when Discord says which it
// is.
func (in *interaction) send(m message) (*discordgo.Message, error) {
	return in.sendWith(in.ctx, m, true)
}

// sendDraft shows work in progress, such as a model's answer as it is
// written, in one attempt: the result follows anyway.
func (in *interaction) sendDraft(m message) error {
	_, err := in.sendWith(in.ctx, m, false)
	return err
}

func (in *interaction) sendWith(ctx context.Context, m message, retry bool) (*discordgo.Message, error) {
	m = m.fit()
	if !in.acked {
		err := in.respond(ctx, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content:         m.content,
				Embeds:          m.embeds,
				Components:      m.components,
				Flags:           m.flags(),
				AllowedMentions: noMentions(),
			},
		}, "response", summary(m))
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
	edit := &discordgo.WebhookEdit{
		Content:         &m.content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}
	var msg *discordgo.Message
	p := callPolicy{deadline: in.start.Add(tokenWindow), retry: retry, about: []any{"interaction", in.i.ID, "stage", "edit"}}
	err := in.b.call(ctx, p, func(opts ...discordgo.RequestOption) error {
		var err error
		msg, err = in.editOriginal(edit, opts...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("edit interaction response: %w", &undelivered{stage: "edit", what: summary(m), err: err})
	}
	return msg, nil
}

// updateComponents answers a button press by replacing the buttons of the
// message it is on, keeping what the message says.
func (in *interaction) updateComponents(components []discordgo.MessageComponent) error {
	m := in.i.Message
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	err := in.respond(in.ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content:         m.Content,
			Embeds:          embeds,
			Components:      components,
			AllowedMentions: noMentions(),
		},
	}, "update", "buttons")
	if err != nil {
		return fmt.Errorf("update message: %w", err)
	}
	in.acked, in.ackAt = true, time.Since(in.start)
	return nil
}

// sendFiles edits the deferred response to m with files attached.
func (in *interaction) sendFiles(m message, files ...*discordgo.File) error {
	m = m.fit()
	embeds, components := m.embeds, m.components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	// A retry must send the files again from their start.
	data := make([][]byte, len(files))
	for i, f := range files {
		b, err := io.ReadAll(f.Reader)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Name, err)
		}
		data[i] = b
	}
	p := callPolicy{deadline: in.start.Add(tokenWindow), retry: true, about: []any{"interaction", in.i.ID, "stage", "edit"}}
	err := in.b.call(in.ctx, p, func(opts ...discordgo.RequestOption) error {
		fs := make([]*discordgo.File, len(files))
		for i, f := range files {
			fs[i] = &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(data[i])}
		}
		_, err := in.s.InteractionResponseEdit(in.i, &discordgo.WebhookEdit{
			Content: &m.content, Embeds: &embeds, Components: &components,
			Files: fs, AllowedMentions: noMentions(),
		}, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("edit interaction response: %w", &undelivered{stage: "edit", what: summary(m), err: err})
	}
	return nil
}

// followup sends m as a further message of an interaction already
// answered.
func (in *interaction) followup(m message) error {
	m = m.fit()
	p := callPolicy{deadline: in.start.Add(tokenWindow), retry: true, about: []any{"interaction", in.i.ID, "stage", "followup"}}
	err := in.b.call(in.ctx, p, func(opts ...discordgo.RequestOption) error {
		_, err := in.s.FollowupMessageCreate(in.i, true, &discordgo.WebhookParams{
			Content:         m.content,
			Embeds:          m.embeds,
			Components:      m.components,
			Flags:           m.flags(),
			AllowedMentions: noMentions(),
		}, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("follow-up: %w", &undelivered{stage: "followup", what: summary(m), err: err})
	}
	return nil
}

// editOriginal is discordgo's InteractionResponseEdit in the interaction's
// own rate-limit bucket (see editBucket).
func (in *interaction) editOriginal(edit *discordgo.WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	uri := discordgo.EndpointWebhookMessage(in.i.AppID, in.i.Token, "@original")
	body, err := in.s.RequestWithBucketID(http.MethodPatch, uri, edit, in.b.editBucket(in.i), opts...)
	if err != nil {
		return nil, err
	}
	var msg *discordgo.Message
	if err := discordgo.Unmarshal(body, &msg); err != nil {
		return nil, fmt.Errorf("%w: %w", discordgo.ErrJSONUnmarshal, err)
	}
	return msg, nil
}

// fail tells the user that something went wrong, with an error id that
// the log line carries too. When the answer was lost to shutdown, it tells
// them to ask again instead; the handler's context has ended then, so the
// message goes out under a short context of its own.
func (in *interaction) fail(err error) {
	id := errorID()
	in.outcome = outcomeError
	user := in.user()
	in.b.log.Error("interaction failed", "error_id", id, "interaction", in.i.ID, "user", user.ID,
		"guild", in.i.GuildID, "command", in.command, "err", err)
	in.b.lost(err, in.command, "error_id", id, "interaction", in.i.ID, "user", user.ID, "guild", in.i.GuildID)
	if in.i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return // an autocomplete can only be answered with choices
	}
	ctx, tell := in.ctx, failureText(id)
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
		defer cancel()
		if in.b.isClosing() {
			tell = restartingText
		}
	}
	if _, serr := in.sendWith(ctx, text(tell, true), true); serr != nil {
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
