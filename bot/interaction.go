package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// onInteraction runs in discordgo's read loop: it hands the interaction to
// a counted goroutine at once, or, during shutdown, says the bot is
// restarting.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	start := time.Now()
	i := ic.Interaction
	if b.spawn(func(ctx context.Context) { b.handleInteraction(ctx, s, i, start) }) {
		return
	}
	if i.Type == discordgo.InteractionApplicationCommand || i.Type == discordgo.InteractionMessageComponent {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		in := &interaction{b: b, s: s, i: i, ctx: ctx, start: start}
		in.send(text(restartingText, true))
	}
}

// handleInteraction answers one interaction and logs how it went.
func (b *Bot) handleInteraction(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, start time.Time) {
	in := &interaction{b: b, s: s, i: i, ctx: ctx, start: start, outcome: outcomeOk}
	defer in.logDone()
	defer func() {
		if p := recover(); p != nil {
			in.fail(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()

	if i.GuildID == "" && !b.cfg.AllowDMs {
		in.command = "dm"
		in.outcome = outcomeDMDisabled
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			b.reportSend(in, text("I don't answer in direct messages; ask me in a server instead.", true))
		}
		return
	}

	var err error
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		in.command = data.Name
		switch data.Name {
		case "ask":
			err = b.ask(in, optionString(data.Options, "question"))
		case "sources":
			err = b.sources(in)
		case "source":
			err = b.source(in, optionString(data.Options, "id"), optionString(data.Options, "query"))
		case "reload":
			err = b.reload(in)
		case "gaps":
			err = b.gaps(in, data.Options)
		case "settings":
			err = b.settings(in, data.Options)
		case "article":
			err = b.article(in, data)
		case "help":
			err = b.help(in)
		default:
			in.outcome = outcomeUnknownCommand
			_, err = in.send(text("I don't know that command any more; try /help.", true))
		}
	case discordgo.InteractionApplicationCommandAutocomplete:
		data := i.ApplicationCommandData()
		in.command = data.Name + ":autocomplete"
		err = b.autocomplete(in, data)
	case discordgo.InteractionMessageComponent:
		data := i.MessageComponentData()
		in.command = "button:" + strings.SplitN(data.CustomID, ":", 2)[0]
		err = b.button(in, data.CustomID)
	default:
		in.command = fmt.Sprintf("type-%d", i.Type)
		in.outcome = outcomeIgnored
	}
	if err != nil {
		in.fail(err)
	}
}

// reportSend sends m and turns a failure to send into a log line.
func (b *Bot) reportSend(in *interaction, m message) {
	if _, err := in.send(m); err != nil {
		in.fail(err)
	}
}

// optionString returns the string value of the named option, or "".
func optionString(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name {
			if s, ok := o.Value.(string); ok {
				return s
			}
			return fmt.Sprint(o.Value)
		}
	}
	return ""
}

// isModerator reports whether the member may moderate the bot: Manage
// Server or Administrator in the permissions Discord computed for this
// interaction's channel, or a role listed in ModeratorRoleIDs. It is
// checked on every call, because server admins can change who sees a
// command.
func (b *Bot) isModerator(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	for _, r := range m.Roles {
		if b.moderators[r] {
			return true
		}
	}
	return false
}

// refuseNonModerator tells a member who may not moderate that they may not
// do what, and reports whether it did: every moderators' command starts
// with it.
func (b *Bot) refuseNonModerator(in *interaction, what string) (bool, error) {
	if b.isModerator(in.i.Member) {
		return false, nil
	}
	in.outcome = outcomeForbidden
	_, err := in.send(text("Only moderators can "+what+": members with Manage Server, or a moderator role set in the bot's config.", true))
	return true, err
}

// optionInt returns the integer value of the named option, or def.
func optionInt(opts []*discordgo.ApplicationCommandInteractionDataOption, name string, def int) int {
	for _, o := range opts {
		if o.Name == name {
			if f, ok := o.Value.(float64); ok {
				return int(f)
			}
		}
	}
	return def
}

// optionBool returns the boolean value of the named option, or def.
func optionBool(opts []*discordgo.ApplicationCommandInteractionDataOption, name string, def bool) bool {
	for _, o := range opts {
		if o.Name == name {
			if v, ok := o.Value.(bool); ok {
				return v
			}
		}
	}
	return def
}
