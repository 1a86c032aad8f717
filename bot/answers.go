package bot

import (
	"context"
	"errors"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/retrieval"
)

// The bot keeps the answers it sends in its store (Config.Store), so that
// their buttons, votes and follow-ups work after a restart: SaveAnswer
// under the key in the buttons' custom ids, LinkMessage for the user's
// message, the bot's reply and threads started from either, and
// AnswerByMessage to find the conversation a reply or a thread continues.
// Writes go through the store's queue (store.Async in production) and never
// delay a reply; a failed write is logged there, and the bot carries on.

// saveAnswer records an answer the bot is about to send under key, so that
// its buttons work as soon as it shows.
func (b *Bot) saveAnswer(ctx context.Context, key, guild, channel, question string, a *retrieval.Answer) {
	rec := &store.Answer{
		ID:       key,
		Question: question,
		Text:     a.Answer,
		Mode:     string(a.Writer),
		Refused:  a.Refused,
		Guild:    guild,
		Channel:  channel,
	}
	for _, c := range a.Citations {
		rec.Citations = append(rec.Citations, store.Citation{
			N: c.N, Source: c.Source, Title: c.Title, Publisher: c.Publisher, Date: c.Date,
			Chunk: c.Chunk, Text: c.Text, Start: c.Start, End: c.End, Quote: c.Quote,
		})
	}
	if err := b.store.SaveAnswer(context.WithoutCancel(ctx), rec); err != nil {
		b.log.Warn("answer not kept: its buttons will not work", "answer", key, "err", err)
	}
}

// linkMessages ties messages (the user's question, the bot's reply) to the
// answer under key.
func (b *Bot) linkMessages(ctx context.Context, key string, messageIDs ...string) {
	for _, id := range messageIDs {
		if id == "" {
			continue
		}
		if err := b.store.LinkMessage(context.WithoutCancel(ctx), key, id); err != nil {
			b.log.Warn("message not linked to its answer", "answer", key, "message", id, "err", err)
		}
	}
}

// storedAnswer returns the answer kept under key; ok is false when the
// store does not have it (too old, purged) or cannot be read.
func (b *Bot) storedAnswer(ctx context.Context, key string) (*store.Answer, bool) {
	a, err := b.store.Answer(ctx, key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			b.log.Warn("store read failed", "answer", key, "err", err)
		}
		return nil, false
	}
	return a, true
}

// questionOf returns the question that message messageID asked or
// answered. A thread started from a message has that message's ID
// (Discord's MessageFlagsHasThread: "an associated thread, with the same id
// as the message"), so a thread's channel ID finds the answer it hangs
// under, and a reply's message_reference the answer it replies to.
func (b *Bot) questionOf(ctx context.Context, messageID string) (string, bool) {
	if messageID == "" {
		return "", false
	}
	a, err := b.store.AnswerByMessage(ctx, messageID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			b.log.Warn("store read failed", "message", messageID, "err", err)
		}
		return "", false
	}
	return a.Question, true
}

// logQuestion puts a refused or 👎 question in the guild's question log for
// /gaps, unless the server opted out. Direct messages have no moderators
// and are not logged.
func (b *Bot) logQuestion(ctx context.Context, q store.LoggedQuestion) {
	if q.Guild == "" || q.Question == "" {
		return
	}
	ctx = context.WithoutCancel(ctx)
	set, err := b.store.Settings(ctx, q.Guild)
	if err != nil {
		b.log.Warn("store read failed; question not logged", "guild", q.Guild, "err", err)
		return
	}
	if set.NoQuestionLog {
		return
	}
	if err := b.store.LogQuestion(ctx, q); err != nil {
		b.log.Warn("question not logged", "guild", q.Guild, "reason", q.Reason, "err", err)
	}
}

// citations turns kept citations back into the retrieval's, to show them.
func citations(cs []store.Citation) []retrieval.Citation {
	out := make([]retrieval.Citation, len(cs))
	for i, c := range cs {
		out[i] = retrieval.Citation{
			N: c.N, Source: c.Source, Title: c.Title, Publisher: c.Publisher, Date: c.Date,
			Chunk: c.Chunk, Text: c.Text, Start: c.Start, End: c.End, Quote: c.Quote,
		}
	}
	return out
}
