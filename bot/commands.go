package bot

import "github.com/bwmarrin/discordgo"

// commands are the slash commands the bot registers with one bulk
// overwrite at start. /reload, /gaps, /settings and /article are for
// moderators: Discord hides them from members without Manage Server unless
// a server admin says otherwise, and the bot checks again on every call.
func commands(allowDMs bool) []*discordgo.ApplicationCommand {
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	if allowDMs {
		contexts = append(contexts, discordgo.InteractionContextBotDM)
	}
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	manageServer := int64(discordgo.PermissionManageGuild)
	return []*discordgo.ApplicationCommand{
		{
			Name:        "ask",
			Description: "Ask about the Putin–Kim meeting at Vostochny (13 Sept 2023); answered from the articles",
			Contexts:    &contexts,
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "question",
				Description: "Your question",
				Required:    true,
				MinLength:   ptr(1),
				MaxLength:   MaxQuestionLength,
			}},
		},
		{
			Name:        "sources",
			Description: "List the articles the bot answers from, with their ids",
			Contexts:    &contexts,
		},
		{
			Name:        "source",
			Description: "Show one article, or its passages that match a query",
			Contexts:    &contexts,
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:         discordgo.ApplicationCommandOptionString,
					Name:         "id",
					Description:  "The article's id (see /sources)",
					Required:     true,
					Autocomplete: true,
				},
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "query",
					Description: "Show the passages of the article that best match this",
					MaxLength:   MaxQuestionLength,
				},
			},
		},
		{
			Name:                     "reload",
			Description:              "Moderators: re-read the articles and swap in the new index",
			DefaultMemberPermissions: &manageServer,
			Contexts:                 &guildOnly,
		},
		{
			Name:                     "gaps",
			Description:              "Moderators: the questions the articles did not answer, and 👎 answers, grouped",
			DefaultMemberPermissions: &manageServer,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionInteger,
				Name:        "days",
				Description: "How many days back to look (default 30)",
				MinValue:    ptr(1.0),
				MaxValue:    3650,
			}},
		},
		{
			Name:                     "settings",
			Description:              "Moderators: where the bot answers mentions, threads, the question log",
			DefaultMemberPermissions: &manageServer,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "Show this server's settings"},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "channels",
					Description: "Channels where mentions are answered: all, or a list",
					Options: []*discordgo.ApplicationCommandOption{{
						Type: discordgo.ApplicationCommandOptionString, Name: "channels", Required: true,
						Description: "\"all\", or the channels (#general #help)", MaxLength: 1000,
					}},
				},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "threads",
					Description: "Whether answers to mentions open a thread",
					Options: []*discordgo.ApplicationCommandOption{{
						Type: discordgo.ApplicationCommandOptionBoolean, Name: "on", Required: true,
						Description: "True: answer mentions in a thread",
					}},
				},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "question-log",
					Description: "Whether refused and 👎 questions are kept for /gaps",
					Options: []*discordgo.ApplicationCommandOption{{
						Type: discordgo.ApplicationCommandOptionBoolean, Name: "on", Required: true,
						Description: "False: keep no question text",
					}},
				},
			},
		},
		{
			Name:                     "article",
			Description:              "Moderators: add an article from a file, or remove one",
			DefaultMemberPermissions: &manageServer,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add",
					Description: "Add an article from a .txt, .md or .html file (at most 1 MiB)",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The article", Required: true},
						{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "Its id (default: from the file name)", MaxLength: 64},
						{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "Its title (default: its first words)", MaxLength: 200},
						{Type: discordgo.ApplicationCommandOptionString, Name: "date", Description: "Published on (YYYY-MM-DD)", MaxLength: 10},
						{Type: discordgo.ApplicationCommandOptionString, Name: "publisher", Description: "Who published it", MaxLength: 100},
					},
				},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove",
					Description: "Remove an article (kept aside in the corpus directory's .removed)",
					Options: []*discordgo.ApplicationCommandOption{{
						Type: discordgo.ApplicationCommandOptionString, Name: "id", Required: true,
						Description: "The article's id (see /sources)", Autocomplete: true,
					}},
				},
			},
		},
		{
			Name:        "help",
			Description: "What the bot covers and how to use it",
			Contexts:    &contexts,
		},
	}
}

func ptr[T any](v T) *T { return &v }
