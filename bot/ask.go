package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/retrieval"
)

// Embed colours: answered, refused for want of a source, and being
// written by a model.
const (
	colourAnswer  = 0x2b6cb0
	colourRefused = 0x718096
	colourDraft   = 0xa0aec0
)

// ask answers /ask: a deferred acknowledgement at once, then the answer as
// an edit of it. While a model writes the answer, the reply is edited with
// the text so far, marked unverified (see streamAnswer); the last edit is
// the verified answer.
func (b *Bot) ask(in *interaction, raw string) error {
	q := stripMentions(raw)
	q, p := cleanQuestion(q, "Type it after /ask, for example `/ask question: How long did the talks last?`")
	if p != "" {
		in.outcome = outcomeInvalidQuestion
		_, err := in.send(text(p, true))
		return err
	}
	if wait := b.rateLimit(in.user().ID, b.isModerator(in.i.Member)); wait > 0 {
		in.outcome = outcomeRateLimited
		_, err := in.send(text(rateLimitText(wait), true))
		return err
	}
	if err := in.deferReply(false); err != nil {
		return err
	}
	a, err := b.streamAnswer(in.ctx, q, "", in.sendDraft)
	if err != nil {
		return err
	}
	key := in.i.ID
	b.saveAnswer(in.ctx, key, in.i.GuildID, in.i.ChannelID, q, a)
	msg, err := in.send(b.answerMessage(key, q, a))
	if err != nil {
		return err
	}
	if msg != nil {
		b.linkMessages(in.ctx, key, msg.ID)
	}
	if a.Refused {
		b.logQuestion(in.ctx, store.LoggedQuestion{AnswerID: key, Guild: in.i.GuildID, Channel: in.i.ChannelID,
			Question: q, Reason: store.Refused})
	}
	in.outcome = outcomeOf(a)
	return nil
}

func outcomeOf(a *retrieval.Answer) outcome {
	switch {
	case a.Refused:
		return outcomeRefused
	case a.Writer == retrieval.Chat:
		return outcomeChat
	}
	return outcomeAnswered
}

// rateLimit takes one question from user's allowance and returns 0, or how
// long until they may ask again. Moderators are not limited.
func (b *Bot) rateLimit(user string, moderator bool) time.Duration {
	if moderator {
		return 0
	}
	return b.limiter.wait(user, time.Now())
}

// mentionPattern finds user, role and channel mentions and @everyone/@here.
var mentionPattern = regexp.MustCompile(`<@[!&]?\d+>|<#\d+>|@everyone\b|@here\b`)

// stripMentions removes mentions from a question: they are how it was
// addressed, not what it asks, and must never be echoed as pings.
func stripMentions(s string) string {
	return mentionPattern.ReplaceAllString(s, " ")
}

// answerMessage shows an answer: the question as the title, the answer with
// its [n] markers, the numbered sources, a footer saying how it was
// answered, and the buttons.
func (b *Bot) answerMessage(key, question string, a *retrieval.Answer) message {
	articles := len(b.engine.Articles())
	e := &discordgo.MessageEmbed{
		Title:  trimText(escapeMarkdown(question), maxEmbedTitle),
		Color:  colourAnswer,
		Footer: &discordgo.MessageEmbedFooter{Text: Footer(a, articles)},
	}
	if a.Refused {
		e.Color = colourRefused
	}
	e.Fields = sourceFields(a.Citations)
	// Why a model's answer was not used, or was cut, goes under the answer.
	note := ""
	if a.Note != "" {
		note = "\n\n*" + trimText(escapeMarkdown(a.Note), 300) + "*"
	}
	// The answer gets what the other parts leave of the 6,000 characters.
	room := maxEmbedsTotal - embedLength(e) - utf8.RuneCountInString(note)
	e.Description = trimText(escapeMarkdown(a.Answer), min(maxEmbedDescription-utf8.RuneCountInString(note), room)) + note
	var buttons []discordgo.MessageComponent
	if a.Writer != retrieval.Chat { // a reply to small talk: no passages, nothing to vote on
		buttons = answerButtons(key, len(a.Citations) > 0, store.VoteResult{})
	}
	return message{embeds: []*discordgo.MessageEmbed{e}, components: buttons}
}

// Footer says how the answer was written and by how many articles
// its main (first) sentence is reported.
func Footer(a *retrieval.Answer, articles int) string {
	if a.Writer == retrieval.Chat {
		return "summitbot · answers from the news articles only"
	}
	how := "offline extractive"
	if a.Writer == retrieval.Generated && a.Model != "" {
		how = "written by " + a.Model
	}
	if a.Refused {
		return how + " · no source covers this"
	}
	n := a.Sources
	if len(a.Sentences) > 0 {
		n = a.Sentences[0].Sources
	}
	return how + " · " + ReportedBy(n, articles)
}

// ReportedBy says how many of the articles report something: "reported by
// 2 of the 5 articles", or without a total (articles 0) "reported by 2
// articles". The command line uses the same words as the footer.
func ReportedBy(n, articles int) string {
	noun := "articles"
	if n == 1 && articles == 0 {
		noun = "article"
	}
	if articles > 0 {
		return fmt.Sprintf("reported by %d of the %d %s", n, articles, noun)
	}
	return fmt.Sprintf("reported by %d %s", n, noun)
}

// sourceFields lists the cited articles, each with its [n] numbers, title,
// publisher and date, in fields of at most 1,024 characters.
func sourceFields(cits []retrieval.Citation) []*discordgo.MessageEmbedField {
	type source struct {
		nums []string
		c    retrieval.Citation
	}
	var order []*source
	byArticle := map[string]*source{}
	for _, c := range cits {
		s := byArticle[c.Source]
		if s == nil {
			s = &source{c: c}
			byArticle[c.Source] = s
			order = append(order, s)
		}
		s.nums = append(s.nums, fmt.Sprintf("[%d]", c.N))
	}
	var fields []*discordgo.MessageEmbedField
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		name := "Sources"
		if len(fields) > 0 {
			name = "Sources (continued)"
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: name, Value: b.String()})
		b.Reset()
	}
	for _, s := range order {
		line := trimText(fmt.Sprintf("**%s** %s%s", strings.Join(s.nums, " "),
			escapeMarkdown(s.c.Title), escapeMarkdown(byline(s.c.Publisher, s.c.Date))), maxFieldValue/2)
		if b.Len() > 0 && utf8.RuneCountInString(b.String())+1+utf8.RuneCountInString(line) > maxFieldValue {
			flush()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	flush()
	return fields
}

// byline formats publisher and date as " — Reuters, 2023-09-13", leaving
// out what is unknown.
func byline(publisher, date string) string {
	if b := retrieval.Byline(publisher, date); b != "" {
		return " — " + b
	}
	return ""
}

// Button custom ids: a verb and the answer's key.
const (
	buttonPassages = "passages"
	buttonVoteUp   = "up"
	buttonVoteDown = "down"
)

// answerButtons are Show passages (when there are any) and 👍 / 👎, with
// the votes counted so far once there are any.
func answerButtons(key string, passages bool, votes store.VoteResult) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	if passages {
		row = append(row, discordgo.Button{
			Label: "Show passages", Style: discordgo.SecondaryButton, CustomID: buttonPassages + ":" + key,
		})
	}
	count := func(n int) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprint(n)
	}
	row = append(row,
		discordgo.Button{Label: count(votes.Up), Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: buttonVoteUp + ":" + key},
		discordgo.Button{Label: count(votes.Down), Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: buttonVoteDown + ":" + key},
	)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// button answers a press of one of the answer's buttons.
func (b *Bot) button(in *interaction, customID string) error {
	verb, key, _ := strings.Cut(customID, ":")
	switch verb {
	case buttonPassages:
		return b.showPassages(in, key)
	case buttonVoteUp, buttonVoteDown:
		return b.vote(in, key, verb == buttonVoteUp)
	}
	in.outcome = outcomeUnknownButton
	_, err := in.send(text("That button no longer does anything; ask again with /ask.", true))
	return err
}

// forgottenText answers a button under an answer the bot no longer keeps.
const forgottenText = "I no longer remember that answer (answers are kept for a limited time). Ask again with /ask."

// showPassages answers Show passages with an ephemeral message quoting the
// passage behind each [n], the sentence the answer uses in bold.
func (b *Bot) showPassages(in *interaction, key string) error {
	a, ok := b.storedAnswer(in.ctx, key)
	if !ok {
		in.outcome = outcomeForgotten
		_, err := in.send(text(forgottenText, true))
		return err
	}
	in.outcome = outcomePassages
	_, err := in.send(message{embeds: []*discordgo.MessageEmbed{passagesEmbed(citations(a.Citations))}, ephemeral: true})
	return err
}

// passagesEmbed quotes each citation's passage in a field of its own,
// sharing the embed's 6,000 characters fairly.
func passagesEmbed(cits []retrieval.Citation) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: "The passages behind the answer", Color: colourAnswer}
	if len(cits) == 0 {
		e.Description = "This answer cites no passage."
		return e
	}
	cits = cits[:min(len(cits), maxEmbedFields)]
	names := make([]string, len(cits))
	used := utf8.RuneCountInString(e.Title)
	for i, c := range cits {
		names[i] = trimText(fmt.Sprintf("[%d] %s%s", c.N, c.Title, byline(c.Publisher, c.Date)), maxFieldName)
		used += utf8.RuneCountInString(names[i])
	}
	room := min(maxFieldValue, (maxEmbedsTotal-used-50)/len(cits))
	for i, c := range cits {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: names[i], Value: quotePassage(c, room)})
	}
	return e
}

// quotePassage shows a passage with the quoted sentence in bold, within
// room characters; when it does not fit, the bold sentence comes first.
func quotePassage(c retrieval.Citation, room int) string {
	before, after, found := "", "", false
	if c.Quote != "" {
		before, after, found = strings.Cut(c.Text, c.Quote)
	}
	if !found {
		return trimText(escapeMarkdown(c.Text), room)
	}
	quote := "**" + escapeMarkdown(c.Quote) + "**"
	full := escapeMarkdown(before) + quote + escapeMarkdown(after)
	if utf8.RuneCountInString(full) <= room {
		return full
	}
	head := quote
	if strings.TrimSpace(before) != "" {
		head = "… " + quote
	}
	if utf8.RuneCountInString(head) > room {
		return trimText(escapeMarkdown(c.Quote), room)
	}
	return trimText(head+escapeMarkdown(after), room)
}

// vote counts a 👍 or 👎, once per user and answer; the other button
// changes the vote. The message's buttons then show the counts, and the
// voter is told, in a message only they see, what was counted. A 👎 puts
// the question in the question log for /gaps.
func (b *Bot) vote(in *interaction, key string, up bool) error {
	user := in.user().ID
	a, ok := b.storedAnswer(in.ctx, key)
	if !ok {
		in.outcome = outcomeForgotten
		_, err := in.send(text(forgottenText, true))
		return err
	}
	res, err := b.store.Vote(in.ctx, key, user, up)
	if err != nil {
		return fmt.Errorf("vote on %s: %w", key, err)
	}
	choice := "👎"
	if up {
		choice = "👍"
	}
	if res.Repeat {
		in.outcome = outcomeVoteRepeated
		_, err := in.send(text("You've already given this answer a "+choice+" — it is counted once. Press the other button to change your vote.", true))
		return err
	}
	if up {
		b.votesUp.Add(1)
	} else {
		b.votesDown.Add(1)
	}
	in.outcome = outcomeVoted
	b.log.Info("feedback", "answer", key, "user", user, "guild", in.i.GuildID, "helpful", up, "changed", res.Changed,
		"votes_up", res.Up, "votes_down", res.Down)
	if !up && !a.Refused {
		b.logQuestion(in.ctx, store.LoggedQuestion{AnswerID: key, Guild: a.Guild, Channel: a.Channel,
			Question: a.Question, Reason: store.Downvoted})
	}
	thanks := "Thanks — your " + choice + " is counted."
	if res.Changed {
		thanks = "Thanks — your vote is now " + choice + "."
	}
	if in.i.Message == nil {
		_, err := in.send(text(thanks, true))
		return err
	}
	// The message's buttons show the counts; the voter sees their choice.
	if err := in.updateComponents(answerButtons(key, len(a.Citations) > 0, res)); err != nil {
		return err
	}
	return in.followup(text(thanks, true))
}

// answerQuestion answers q, with ctxQuestion as the earlier question of the
// conversation, when a slot in answering is free. partial, when not nil,
// gets a model's text as it is written (see retrieval.Answerer).
func (b *Bot) answerQuestion(ctx context.Context, q, ctxQuestion string, partial func(string)) (*retrieval.Answer, error) {
	select {
	case b.answering <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("answer %q: waiting for a free slot: %w", q, ctx.Err())
	}
	release := sync.OnceFunc(func() { <-b.answering })
	defer release()
	question := retrieval.Question{Text: q, Context: ctxQuestion}
	var draft func(string)
	if partial != nil {
		draft = func(text string) {
			// Once the model writes, retrieval is done and the answer waits
			// on the network, not the CPU: let another question have the
			// slot.
			release()
			partial(text)
		}
	}
	a, err := b.engine.Answer(ctx, question, draft)
	if err != nil {
		return nil, err // the answerer names the question
	}
	return a, nil
}

// draftFooter marks a reply that shows a model's answer as it is written.
const draftFooter = "writing… (unverified: the answer checked against the articles replaces this)"

// streamAnswer answers q like answerQuestion. When a model writes the
// answer, show (which edits the reply) shows the text so far, at most
// once per StreamInterval; it returns only once no such edit is in flight,
// so that the caller's final edit is the last.
func (b *Bot) streamAnswer(ctx context.Context, q, ctxQuestion string, show func(message) error) (*retrieval.Answer, error) {
	every := b.cfg.StreamInterval
	if every <= 0 {
		every = 1500 * time.Millisecond
	}
	edits := startProgressEdits(ctx, every, every, show, func(draft string) message {
		return draftMessage(q, draft)
	}, b.log)
	defer func() {
		// Deferred, so that even a panic stops the edits before the
		// failure is reported.
		if n := edits.stop(); n > 0 {
			b.log.Debug("answer streamed", "question", q, "edits", n)
		}
	}()
	return b.answerQuestion(ctx, q, ctxQuestion, edits.update)
}

// draftMarkers are the model's [n] markers, and one it has not finished
// writing. They number the prompt's passages, not the final citations, so
// a draft shows none.
var draftMarkers = regexp.MustCompile(`\s*\[\d+\]|\s*\[\d*$`)

// draftMessage shows a model's answer as it is being written: the question
// as the title, the text so far without markers, marked unverified, and no
// buttons.
func draftMessage(question, draft string) message {
	text := strings.TrimSpace(draftMarkers.ReplaceAllString(draft, ""))
	if text == "" {
		text = "…"
	}
	e := &discordgo.MessageEmbed{
		Title:       trimText(escapeMarkdown(question), maxEmbedTitle),
		Description: trimText(escapeMarkdown(text), maxEmbedDescription),
		Color:       colourDraft,
		Footer:      &discordgo.MessageEmbedFooter{Text: draftFooter},
	}
	return message{embeds: []*discordgo.MessageEmbed{e}}
}
