package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/retrieval"
)

// reload answers /reload for moderators: it rebuilds the index from the
// corpus directory and says what changed, or why nothing did.
func (b *Bot) reload(in *interaction) error {
	if !b.isModerator(in.i.Member) {
		in.outcome = "forbidden"
		_, err := in.send(text("Only moderators can reload the articles: members with Manage Server, or a moderator role set in the bot's config.", true))
		return err
	}
	if err := in.deferReply(true); err != nil {
		return err
	}
	user := in.user()
	b.log.Info("reload requested", "interaction", in.i.ID, "user", user.ID, "guild", in.i.GuildID)
	rep, err := b.engine.Reload(in.ctx)
	switch {
	case errors.Is(err, retrieval.ErrReloadRunning):
		in.outcome = "reload_running"
		_, err = in.send(text("A reload is already running; try again when it has finished.", true))
		return err
	case err != nil:
		in.outcome = "reload_failed"
		b.log.Warn("reload failed; the old index is still serving", "interaction", in.i.ID, "user", user.ID, "err", err)
		_, err = in.send(message{embeds: []*discordgo.MessageEmbed{reloadFailedEmbed(err)}, ephemeral: true})
		return err
	}
	in.outcome = "reloaded"
	b.log.Info("reloaded", "interaction", in.i.ID, "user", user.ID, "articles", rep.Articles, "chunks", rep.Chunks,
		"added", rep.Added, "removed", rep.Removed, "changed", rep.Changed, "took", rep.Took)
	_, err = in.send(message{embeds: []*discordgo.MessageEmbed{reloadEmbed(rep)}, ephemeral: true})
	return err
}

// reloadEmbed reports a reload that went through.
func reloadEmbed(rep *retrieval.ReloadReport) *discordgo.MessageEmbed {
	ids := func(list []string) string {
		if len(list) == 0 {
			return "none"
		}
		quoted := make([]string, len(list))
		for i, id := range list {
			quoted[i] = "`" + id + "`"
		}
		return strings.Join(quoted, ", ")
	}
	e := &discordgo.MessageEmbed{
		Title: "Reloaded",
		Description: fmt.Sprintf("Now answering from %d articles in %d passages. Took %s.",
			rep.Articles, rep.Chunks, rep.Took.Round(1e6)),
		Color: colourAnswer,
		Fields: []*discordgo.MessageEmbedField{
			{Name: fmt.Sprintf("Added (%d)", len(rep.Added)), Value: ids(rep.Added)},
			{Name: fmt.Sprintf("Removed (%d)", len(rep.Removed)), Value: ids(rep.Removed)},
			{Name: fmt.Sprintf("Changed (%d)", len(rep.Changed)), Value: ids(rep.Changed)},
		},
	}
	if len(rep.Skipped) > 0 {
		var lines []string
		for _, f := range rep.Skipped {
			lines = append(lines, fmt.Sprintf("`%s`: %s", f.File, f.Reason))
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Skipped", Value: strings.Join(lines, "\n")})
	}
	return e
}

// reloadFailedEmbed tells a moderator why a reload changed nothing. The
// reason names the file and what is wrong with it; moderators are the ones
// who can fix it.
func reloadFailedEmbed(err error) *discordgo.MessageEmbed {
	return &discordgo.MessageEmbed{
		Title:       "Reload failed — still answering from the previous articles",
		Description: escapeMarkdown(err.Error()),
		Color:       0xc53030,
		Footer:      &discordgo.MessageEmbedFooter{Text: "Fix the file and run /reload again."},
	}
}
