package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/bwmarrin/discordgo"
)

// onMessage takes messages that mention the bot, and in DMs (when allowed)
// every message, as questions. It runs in discordgo's read loop.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	start := time.Now()
	self := b.botUserID()
	if m.Author == nil || m.Author.Bot || m.Author.ID == self || self == "" {
		return
	}
	dm := m.GuildID == ""
	if dm && !b.cfg.AllowDMs {
		return
	}
	if !dm && !mentions(m, self) {
		return
	}
	b.spawn(func(ctx context.Context) { b.handleMention(ctx, s, m, start) })
}

// editReply replaces what the bot's reply sent says with msg.
func editReply(ctx context.Context, s *discordgo.Session, sent *discordgo.Message, msg message) (*discordgo.Message, error) {
	msg = msg.fit()
	embeds, components := msg.embeds, msg.components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edited, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: sent.ID, Channel: sent.ChannelID,
		Content: &msg.content, Embeds: &embeds, Components: &components,
		AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("edit reply: %w", err)
	}
	return edited, nil
}

// mentions reports whether m mentions user.
func mentions(m *discordgo.Message, user string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == user {
			return true
		}
	}
	return false
}

// handleMention answers a question asked by mention, as a reply to it.
func (b *Bot) handleMention(ctx context.Context, s *discordgo.Session, m *discordgo.Message, start time.Time) {
	outcome := outcomeOk
	command := "mention"
	if m.GuildID == "" {
		command = "dm"
	}
	var threadOf string
	defer func() {
		b.cfg.Metrics.handled(command, outcome, time.Since(start))
		b.log.Info("message", "message", m.ID, "user", m.Author.ID, "guild", m.GuildID, "channel", m.ChannelID,
			"command", command, "thread_context", threadOf != "", "outcome", outcome, "latency", time.Since(start))
	}()
	reply := func(msg message) (*discordgo.Message, error) {
		msg = msg.fit()
		sent, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content:         msg.content,
			Embeds:          msg.embeds,
			Components:      msg.components,
			AllowedMentions: noMentions(),
			Reference: &discordgo.MessageReference{
				MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID,
				FailIfNotExists: ptr(false),
			},
		}, discordgo.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("reply to message: %w", err)
		}
		return sent, nil
	}
	// draft is the reply that shows a model's answer as it is written;
	// once there is one, what follows edits it.
	var draft *discordgo.Message
	send := func(msg message) (*discordgo.Message, error) {
		if draft == nil {
			return reply(msg)
		}
		return editReply(ctx, s, draft, msg)
	}
	fail := func(err error) {
		id := errorID()
		outcome = outcomeError
		b.log.Error("message failed", "error_id", id, "message", m.ID, "user", m.Author.ID,
			"guild", m.GuildID, "command", command, "err", err)
		if _, serr := send(text(failureText(id), false)); serr != nil {
			b.log.Warn("could not report a failure to the user", "error_id", id, "message", m.ID, "err", serr)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			fail(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()

	q := stripMentions(m.Content)
	q, p := cleanQuestion(q, "Write it after the mention, for example `@summitbot How long did the talks last?`")
	if p != "" {
		outcome = outcomeInvalidQuestion
		if _, err := reply(text(p, false)); err != nil {
			fail(err)
		}
		return
	}
	if wait := b.rateLimit(m.Author.ID, b.isModerator(m.Member)); wait > 0 {
		outcome = outcomeRateLimited
		if _, err := reply(text(rateLimitText(wait), false)); err != nil {
			fail(err)
		}
		return
	}
	// A thread has the id of the message it started from; a reply points at
	// the message it answers. Either may be one of the bot's answers, or the
	// question behind one, whose question is then the context.
	threadOf, _ = b.answers.questionOf(m.ChannelID)
	if threadOf == "" && m.MessageReference != nil {
		threadOf, _ = b.answers.questionOf(m.MessageReference.MessageID)
	}
	a, err := b.streamAnswer(ctx, q, threadOf, func(msg message) error {
		sent, err := send(msg)
		if err == nil && draft == nil {
			draft = sent
		}
		return err
	})
	if err != nil {
		fail(err)
		return
	}
	key := m.ID
	b.answers.add(key, q, a)
	sent, err := send(b.answerMessage(key, q, a))
	if err != nil {
		fail(err)
		return
	}
	b.answers.setMessage(key, m.ID)
	b.answers.setMessage(key, sent.ID)
	outcome = outcomeOf(a)
}
