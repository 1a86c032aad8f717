package bot

import "github.com/bwmarrin/discordgo"

// helpText is /help: what the bot covers and how to use it.
const helpText = `I answer questions about **the meeting of Vladimir Putin and Kim Jong Un at the Vostochny Cosmodrome on 13 September 2023** — only from a fixed set of news articles, and I cite the passage behind every claim with a number like [1]. If the articles don't cover something, I say so rather than guess.

**/ask** question — ask anything about the meeting. Under the answer, **Show passages** quotes the text behind each [n]; 👍 / 👎 tell us whether it helped.
**@summitbot** question — the same, as a reply to your message. Reply to one of my answers, or mention me in a thread under one, and I'll read your follow-up in the light of the earlier question.
**/sources** — the articles I answer from, with their ids.
**/source** id [query] — one article: its title, publisher, date, length and opening lines, or with a query, its passages that best match.
**/reload** — moderators: re-read the articles after adding or fixing one.
**/article** add file / remove id — moderators: add an article from a .txt, .md or .html file, or set one aside.
**/gaps** [days] — moderators: what members asked that the articles did not answer, and answers voted 👎, grouped, with a CSV.
**/settings** — moderators: the channels where I answer mentions, threads for answers, the question log.

Questions are limited to 300 characters and a few a minute per person.`

// help answers /help.
func (b *Bot) help(in *interaction) error {
	in.outcome = outcomeShown
	_, err := in.send(message{embeds: []*discordgo.MessageEmbed{{
		Title:       "summitbot",
		Description: helpText,
		Color:       colourAnswer,
	}}, ephemeral: true})
	return err
}
