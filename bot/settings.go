package bot

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/store"
)

// settings answers /settings for moderators: show this server's settings,
// or change one of them (channels, threads, question-log), kept in the
// store. The reply shows the settings as they now are.
func (b *Bot) settings(in *interaction, opts []*discordgo.ApplicationCommandInteractionDataOption) error {
	if refused, err := b.refuseNonModerator(in, "see or change the bot's settings"); refused {
		return err
	}
	guild := in.i.GuildID
	set, err := b.store.Settings(in.ctx, guild)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	sub, subOpts := "show", []*discordgo.ApplicationCommandInteractionDataOption(nil)
	if len(opts) > 0 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		sub, subOpts = opts[0].Name, opts[0].Options
	}
	changed := ""
	switch sub {
	case "show":
	case "channels":
		raw := strings.TrimSpace(optionString(subOpts, "channels"))
		if strings.EqualFold(raw, "all") {
			set.MentionChannels = nil
			changed = "Mentions are now answered in every channel."
			break
		}
		ids := channelIDs(raw)
		if len(ids) == 0 {
			in.outcome = outcomeSettings
			_, err := in.send(text("Give `all`, or the channels as #mentions (for example `#general #help`).", true))
			return err
		}
		set.MentionChannels = ids
		changed = "Mentions are now answered only in " + channelList(ids) + "."
	case "threads":
		set.Threads = optionBool(subOpts, "on", false)
		changed = map[bool]string{true: "Answers to mentions now open a thread.", false: "Answers to mentions now go in the channel."}[set.Threads]
	case "question-log":
		set.NoQuestionLog = !optionBool(subOpts, "on", true)
		changed = map[bool]string{false: "Refused and 👎 questions are now kept for /gaps.", true: "Refused and 👎 questions are no longer kept."}[set.NoQuestionLog]
	default:
		in.outcome = outcomeUnknownCommand
		_, err := in.send(text("I don't know that setting; try /settings show.", true))
		return err
	}
	if changed != "" {
		if err := b.store.PutSettings(in.ctx, guild, set); err != nil {
			return fmt.Errorf("settings %s: %w", sub, err)
		}
		b.log.Info("settings changed", "interaction", in.i.ID, "user", in.user().ID, "guild", guild, "setting", sub)
	}
	in.outcome = outcomeSettings
	e := settingsEmbed(set)
	if changed != "" {
		e.Description = changed
	}
	_, err = in.send(message{embeds: []*discordgo.MessageEmbed{e}, ephemeral: true})
	return err
}

// settingsEmbed shows a server's settings.
func settingsEmbed(s store.Settings) *discordgo.MessageEmbed {
	channels := "every channel"
	if len(s.MentionChannels) > 0 {
		channels = channelList(s.MentionChannels)
	}
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	return &discordgo.MessageEmbed{
		Title: "Settings for this server",
		Color: colourAnswer,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Mentions answered in", Value: trimText(channels, maxFieldValue)},
			{Name: "Answers to mentions open a thread", Value: onOff(s.Threads)},
			{Name: "Question log (for /gaps)", Value: onOff(!s.NoQuestionLog)},
		},
		Footer: &discordgo.MessageEmbedFooter{Text: "Change with /settings channels, /settings threads, /settings question-log."},
	}
}

var channelRef = regexp.MustCompile(`<#(\d+)>|\b(\d{15,21})\b`)

// channelIDs reads channel mentions (or bare ids) from s, each once.
func channelIDs(s string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, m := range channelRef.FindAllStringSubmatch(s, 50) {
		id := m[1] + m[2]
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func channelList(ids []string) string {
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "<#" + id + ">"
	}
	return strings.Join(refs, " ")
}
