package bot

import "github.com/bwmarrin/discordgo"

// commands are the slash commands the bot registers with one bulk
// overwrite at start. /reload is for moderators: Discord hides it from
// members without Manage Server unless a server admin says otherwise, and
// the bot checks again on every call.
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
			Name:        "help",
			Description: "What the bot covers and how to use it",
			Contexts:    &contexts,
		},
	}
}

func ptr[T any](v T) *T { return &v }
