package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// sources answers /sources with the articles and their ids.
func (b *Bot) sources(in *interaction) error {
	var lines []string
	for _, a := range b.engine.Articles() {
		lines = append(lines, fmt.Sprintf("`%s` — **%s**%s", a.ID, escapeMarkdown(a.Title),
			escapeMarkdown(byline(a.Publisher, a.Date))))
	}
	e := &discordgo.MessageEmbed{
		Title:       fmt.Sprintf("The %d articles I answer from", len(lines)),
		Description: trimText(strings.Join(lines, "\n"), maxEmbedDescription),
		Color:       colourAnswer,
		Footer:      &discordgo.MessageEmbedFooter{Text: "/source id:<id> shows one; add query: to find passages in it"},
	}
	in.outcome = outcomeListed
	_, err := in.send(message{embeds: []*discordgo.MessageEmbed{e}, ephemeral: true})
	return err
}

// sourcePassages is how many passages /source shows for a query.
const sourcePassages = 3

// source answers /source: one article, or its passages that best match
// query.
func (b *Bot) source(in *interaction, id, query string) error {
	id = strings.TrimSpace(id)
	query = strings.Join(strings.Fields(stripMentions(query)), " ")
	if utf8.RuneCountInString(query) > MaxQuestionLength {
		in.outcome = outcomeInvalidQuestion
		_, err := in.send(text(fmt.Sprintf("The query is too long: please keep it under %d characters.", MaxQuestionLength), true))
		return err
	}
	a, ok := b.engine.Article(id)
	if !ok {
		in.outcome = outcomeUnknownSource
		_, err := in.send(text(fmt.Sprintf("No article has the id `%s`. /sources lists them.", escapeMarkdown(trimText(id, 100))), true))
		return err
	}
	e := articleEmbed(a)
	if query != "" {
		ps, err := b.engine.Passages(in.ctx, id, query, sourcePassages)
		if err != nil {
			return fmt.Errorf("source %q: %w", id, err)
		}
		e = passagesOf(a, query, ps)
	}
	in.outcome = outcomeShown
	_, err := in.send(message{embeds: []*discordgo.MessageEmbed{e}, ephemeral: true})
	return err
}

// openingSentences is how many sentences of an article /source shows.
const openingSentences = 3

// articleEmbed shows an article's title, id, publisher, date, length and
// opening lines.
func articleEmbed(a *corpus.Article) *discordgo.MessageEmbed {
	end := 0
	for i, s := range a.Sentences {
		if i == openingSentences {
			break
		}
		end = s.End
	}
	opening := a.Text
	if end > 0 {
		opening = a.Text[:end]
	}
	unknown := func(s string) string {
		if s == "" {
			return "not given"
		}
		return escapeMarkdown(s)
	}
	return &discordgo.MessageEmbed{
		Title:       escapeMarkdown(a.Title),
		Description: trimText(escapeMarkdown(opening), 1000),
		Color:       colourAnswer,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Id", Value: "`" + a.ID + "`", Inline: true},
			{Name: "Publisher", Value: unknown(a.Publisher), Inline: true},
			{Name: "Date", Value: unknown(a.Date), Inline: true},
			{Name: "Words", Value: fmt.Sprint(a.Words), Inline: true},
		},
	}
}

// passagesOf shows the passages of a found for query.
func passagesOf(a *corpus.Article, query string, ps []retrieval.Passage) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: trimText(escapeMarkdown(a.Title), maxEmbedTitle),
		Color: colourAnswer,
	}
	if len(ps) == 0 {
		e.Description = trimText("No passage of this article matches “"+escapeMarkdown(query)+"”.", maxEmbedDescription)
		return e
	}
	e.Description = trimText(fmt.Sprintf("The passages that best match “%s”:", escapeMarkdown(query)), 500)
	for i, p := range ps {
		name := fmt.Sprintf("Passage %d of %d", i+1, len(ps))
		if p.Chunk.Section != "" {
			name += " · " + p.Chunk.Section
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  trimText(name, maxFieldName),
			Value: trimText(escapeMarkdown(p.Chunk.Text), maxFieldValue),
		})
	}
	return e
}

// autocomplete offers up to 25 article ids whose id or title holds what is
// being typed.
func (b *Bot) autocomplete(in *interaction, data discordgo.ApplicationCommandInteractionData) error {
	typed := ""
	opts := data.Options
	if len(opts) == 1 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		opts = opts[0].Options // /article remove id:
	}
	for _, o := range opts {
		if o.Focused {
			typed = strings.ToLower(strings.TrimSpace(fmt.Sprint(o.Value)))
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, a := range b.engine.Articles() {
		if len(choices) == maxChoices {
			break
		}
		if typed != "" && !strings.Contains(strings.ToLower(a.ID), typed) && !strings.Contains(strings.ToLower(a.Title), typed) {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
			Name:  trimText(a.ID+" — "+a.Title, maxChoiceName),
			Value: trimText(a.ID, maxChoiceValue),
		})
	}
	in.outcome = choicesOutcome(len(choices))
	err := in.respond(in.ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, "response", string(in.outcome))
	if err != nil {
		in.acked = true // nothing else can be sent for an autocomplete
		return fmt.Errorf("autocomplete result: %w", err)
	}
	in.acked = true
	return nil
}
