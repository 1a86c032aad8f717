package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/retrieval"
)

// reload answers /reload for moderators: it rebuilds the index from the
// corpus directory and says what changed, or why nothing did. When
// embedding new passages takes a while (an embedding model over the
// network), the reply shows how far it has got until the report replaces
// it.
func (b *Bot) reload(in *interaction) error {
	if refused, err := b.refuseNonModerator(in, "reload the articles"); refused {
		return err
	}
	if err := in.deferReply(true); err != nil {
		return err
	}
	user := in.user()
	b.log.Info("reload requested", "interaction", in.i.ID, "user", user.ID, "guild", in.i.GuildID)
	rep, err := b.reloadShowingProgress(in)
	switch {
	case errors.Is(err, retrieval.ErrReloadRunning):
		in.outcome = outcomeReloadRunning
		_, err = in.send(text("A reload is already running; try again when it has finished.", true))
		return err
	case err != nil:
		in.outcome = outcomeReloadFailed
		b.log.Warn("reload failed; the old index is still serving", "interaction", in.i.ID, "user", user.ID, "err", err)
		_, err = in.send(message{embeds: []*discordgo.MessageEmbed{reloadFailedEmbed(err)}, ephemeral: true})
		return err
	}
	in.outcome = outcomeReloaded
	b.corpusChanged(in.ctx)
	b.log.Info("reloaded", "interaction", in.i.ID, "user", user.ID, "articles", rep.Articles, "chunks", rep.Chunks,
		"added", rep.Added, "removed", rep.Removed, "changed", rep.Changed, "took", rep.Took)
	_, err = in.send(message{embeds: []*discordgo.MessageEmbed{reloadEmbed(rep)}, ephemeral: true})
	return err
}

// reloadShowingProgress reloads, editing in's reply with the embedding
// progress once the reload has run for ReloadProgressDelay, at most once
// per ReloadProgressInterval. It returns once no such edit is in flight.
func (b *Bot) reloadShowingProgress(in *interaction) (*retrieval.ReloadReport, error) {
	delay, every := b.cfg.ReloadProgressDelay, b.cfg.ReloadProgressInterval
	if delay <= 0 {
		delay = 2 * time.Second
	}
	if every <= 0 {
		every = 1500 * time.Millisecond
	}
	edits := startProgressEdits(in.ctx, delay, every, in.sendDraft, reloadProgressMessage, b.log)
	defer edits.stop()
	ctx := retrieval.WithEmbedProgress(in.ctx, func(done, total int) {
		edits.update(fmt.Sprintf("Embedding new and changed passages and sentences: %d of %d texts embedded.", done, total))
	})
	return b.engine.Reload(ctx)
}

// reloadProgressMessage shows a reload under way.
func reloadProgressMessage(progress string) message {
	return message{embeds: []*discordgo.MessageEmbed{{
		Title:       "Reloading…",
		Description: progress,
		Color:       colourDraft,
		Footer:      &discordgo.MessageEmbedFooter{Text: "The old index answers until the new one is ready."},
	}}, ephemeral: true}
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
