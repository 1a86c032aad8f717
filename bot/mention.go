package bot

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/store"
)

// onMessage takes messages that mention the bot, replies to the bot's
// messages, and in DMs (when allowed) every message, as questions. It runs
// in discordgo's read loop.
//
// Without the privileged message content intent, Discord sends the content
// of messages that mention the bot; a reply pings the author it replies to
// unless the user turns that off, and then arrives with empty content,
// which is ignored here rather than answered as an empty question.
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
	if !dm && !mentions(m, self) && !(repliesTo(m, self) && strings.TrimSpace(m.Content) != "") {
		return
	}
	b.spawn(func(ctx context.Context) { b.handleMention(ctx, s, m, start) })
}

// editReply replaces what the bot's reply sent says with msg; retry says
// whether to try again after a 5xx, a timeout or a dropped connection.
func (b *Bot) editReply(ctx context.Context, s *discordgo.Session, sent *discordgo.Message, msg message, p callPolicy) (*discordgo.Message, error) {
	msg = msg.fit()
	embeds, components := msg.embeds, msg.components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	var edited *discordgo.Message
	err := b.call(ctx, p, func(opts ...discordgo.RequestOption) error {
		var err error
		edited, err = s.ChannelMessageEditComplex(&discordgo.MessageEdit{
			ID: sent.ID, Channel: sent.ChannelID,
			Content: &msg.content, Embeds: &embeds, Components: &components,
			AllowedMentions: noMentions(),
		}, opts...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("edit reply: %w", &undelivered{stage: "edit", what: summary(msg), err: err})
	}
	return edited, nil
}

// replyWithNonce is a message create that Discord makes at most once per
// nonce: with enforce_nonce, a retry of a create that got through returns
// the message it made instead of posting it again. discordgo v0.29.0's
// MessageSend has neither field.
type replyWithNonce struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// replyTo posts msg in reply to m, retried under p; nonce, at most 25
// characters, makes the retries safe.
func (b *Bot) replyTo(ctx context.Context, s *discordgo.Session, m *discordgo.Message, msg message, nonce string, p callPolicy) (*discordgo.Message, error) {
	return b.postTo(ctx, s, m.ChannelID, &discordgo.MessageReference{
		MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID,
		FailIfNotExists: ptr(false),
	}, msg, nonce, p)
}

// startThread opens a thread from m for its answer, named after the
// question; nil when Discord refuses (no permission, a thread already
// there), and the answer then goes in the channel.
func (b *Bot) startThread(ctx context.Context, s *discordgo.Session, m *discordgo.Message, q string) *discordgo.Channel {
	var ch *discordgo.Channel
	err := b.call(ctx, callPolicy{retry: true, deadline: time.Now().Add(30 * time.Second), about: []any{"message", m.ID}}, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name: trimText(q, 100), AutoArchiveDuration: 1440,
		}, opts...)
		return err
	})
	if err != nil {
		b.log.Warn("could not open a thread for the answer; answering in the channel", "message", m.ID, "err", err)
		return nil
	}
	return ch
}

// postTo posts msg in channelID, as a reply to ref when not nil, retried
// under p; nonce, at most 25 characters, makes the retries safe.
func (b *Bot) postTo(ctx context.Context, s *discordgo.Session, channelID string, ref *discordgo.MessageReference, msg message, nonce string, p callPolicy) (*discordgo.Message, error) {
	msg = msg.fit()
	data := replyWithNonce{
		MessageSend: &discordgo.MessageSend{
			Content:         msg.content,
			Embeds:          msg.embeds,
			Components:      msg.components,
			AllowedMentions: noMentions(),
			Reference:       ref,
		},
		Nonce: nonce, EnforceNonce: true,
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	var sent *discordgo.Message
	err := b.call(ctx, p, func(opts ...discordgo.RequestOption) error {
		body, err := s.RequestWithBucketID(http.MethodPost, endpoint, data, endpoint, opts...)
		if err != nil {
			return err
		}
		if err := discordgo.Unmarshal(body, &sent); err != nil {
			return fmt.Errorf("%w: %w", discordgo.ErrJSONUnmarshal, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reply to message: %w", &undelivered{stage: "reply", what: summary(msg), err: err})
	}
	return sent, nil
}

// repliesTo reports whether m is a reply to one of user's messages.
func repliesTo(m *discordgo.Message, user string) bool {
	r := m.ReferencedMessage
	return m.MessageReference != nil && r != nil && r.Author != nil && r.Author.ID == user
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
	// Replies and the final edit are retried for as long as an
	// interaction's token would last; drafts are tried once.
	retried := callPolicy{deadline: start.Add(tokenWindow), retry: true, about: []any{"message", m.ID}}
	// thread, once the server's settings open one for the answer, is where
	// the answer goes instead of a reply in the channel.
	var thread *discordgo.Channel
	reply := func(ctx context.Context, msg message, nonce string) (*discordgo.Message, error) {
		if thread != nil {
			return b.postTo(ctx, s, thread.ID, nil, msg, nonce, retried)
		}
		return b.replyTo(ctx, s, m, msg, nonce, retried)
	}
	// draft is the reply that shows a model's answer as it is written;
	// once there is one, what follows edits it.
	var draft *discordgo.Message
	// replyFailed notes a reply that may have been made although no answer
	// came: Discord returns that message for the nonce, so a later reply
	// must then be written into it.
	replyFailed := false
	send := func(ctx context.Context, msg message, p callPolicy) (*discordgo.Message, error) {
		if draft != nil {
			return b.editReply(ctx, s, draft, msg, p)
		}
		sent, err := reply(ctx, msg, m.ID)
		if err != nil {
			replyFailed = true
			return nil, err
		}
		if replyFailed {
			return b.editReply(ctx, s, sent, msg, p)
		}
		return sent, nil
	}
	fail := func(err error) {
		id := errorID()
		outcome = outcomeError
		b.log.Error("message failed", "error_id", id, "message", m.ID, "user", m.Author.ID,
			"guild", m.GuildID, "command", command, "err", err)
		b.lost(err, command, "error_id", id, "message", m.ID, "user", m.Author.ID, "guild", m.GuildID)
		// At shutdown, after the grace period, ctx has ended: say so under
		// a short context of its own.
		rctx, tell := ctx, failureText(id)
		if ctx.Err() != nil {
			var cancel context.CancelFunc
			rctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
			defer cancel()
			if b.isClosing() {
				tell = restartingText
			}
		}
		var serr error
		if draft == nil {
			// Its own nonce: the answer's may have been used by a create
			// whose response was lost.
			_, serr = reply(rctx, text(tell, false), "e"+m.ID)
		} else {
			_, serr = b.editReply(rctx, s, draft, text(tell, false), retried)
		}
		if serr != nil {
			b.log.Warn("could not report a failure to the user", "error_id", id, "message", m.ID, "err", serr)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			fail(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()

	// A thread has the id of the message it started from; a reply points at
	// the message it answers. Either may be one of the bot's answers, or the
	// question behind one, whose question is then the context.
	threadOf, _ = b.questionOf(ctx, m.ChannelID)
	if threadOf == "" && m.MessageReference != nil {
		threadOf, _ = b.questionOf(ctx, m.MessageReference.MessageID)
	}
	// A server may keep mentions to some channels (/settings); a
	// conversation the bot is already in goes on wherever it is.
	var set store.Settings
	if m.GuildID != "" && threadOf == "" {
		var err error
		set, err = b.store.Settings(ctx, m.GuildID)
		if err != nil {
			b.log.Warn("store read failed; answering as by default", "guild", m.GuildID, "err", err)
		} else if !set.AnswersIn(m.ChannelID) {
			outcome = outcomeChannelOff
			return
		}
	}
	q := stripMentions(m.Content)
	q, p := cleanQuestion(q, "Write it after the mention, for example `@summitbot How long did the talks last?`")
	if p != "" {
		outcome = outcomeInvalidQuestion
		if _, err := reply(ctx, text(p, false), m.ID); err != nil {
			fail(err)
		}
		return
	}
	if wait := b.rateLimit(m.Author.ID, b.isModerator(m.Member)); wait > 0 {
		outcome = outcomeRateLimited
		if err := b.slowDown(ctx, s, m, wait); err != nil {
			fail(err)
		}
		return
	}
	if set.Threads {
		thread = b.startThread(ctx, s, m, q)
	}
	a, err := b.streamAnswer(ctx, q, threadOf, func(msg message) error {
		sent, err := send(ctx, msg, callPolicy{})
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
	b.saveAnswer(ctx, key, m.GuildID, m.ChannelID, q, a)
	sent, err := send(ctx, b.answerMessage(key, q, a), retried)
	if err != nil {
		fail(err)
		return
	}
	b.linkMessages(ctx, key, m.ID, sent.ID)
	if a.Refused {
		b.logQuestion(ctx, store.LoggedQuestion{AnswerID: key, Guild: m.GuildID, Channel: m.ChannelID,
			Question: q, Reason: store.Refused})
	}
	outcome = outcomeOf(a)
}

// slowReaction marks a question asked too fast, once its asker has been
// told so publicly within the last minute.
const slowReaction = "⏳"

// slowDown answers a question asked faster than the user's allowance: a
// public reply saying when to ask again at most once a minute per user,
// a reaction on the question otherwise, so that a flood of mentions does
// not become a flood of replies.
func (b *Bot) slowDown(ctx context.Context, s *discordgo.Session, m *discordgo.Message, wait time.Duration) error {
	if b.limiter.noticeDue(m.Author.ID, time.Now()) {
		_, err := b.replyTo(ctx, s, m, text(rateLimitText(wait), false), m.ID, callPolicy{retry: true, deadline: time.Now().Add(time.Minute)})
		return err
	}
	// One attempt: a reaction lost is no loss.
	err := b.call(ctx, callPolicy{}, func(opts ...discordgo.RequestOption) error {
		return s.MessageReactionAdd(m.ChannelID, m.ID, slowReaction, opts...)
	})
	if err != nil {
		b.log.Debug("could not react to a question asked too fast", "message", m.ID, "err", err)
	}
	return nil
}
