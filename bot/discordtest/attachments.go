package discordtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

type attachmentFile struct {
	contentType string
	data        []byte
}

// AddAttachment makes a file the fake serves as Discord's CDN would, and
// returns it as an attachment for an interaction's option (see
// Subcommand and SlashCommand: an option whose value is a
// *discordgo.MessageAttachment is an attachment option). Its URL is on
// cdn.discordapp.com, as on Discord; a bot pointed at the fake reaches it
// by sending the request to the fake's host, which serves every path under
// /attachments/.
func (s *Server) AddAttachment(filename, contentType string, data []byte) *discordgo.MessageAttachment {
	id := newID()
	path := "/attachments/" + ChannelID + "/" + id + "/" + filename
	s.mu.Lock()
	s.attachments[path] = attachmentFile{contentType: contentType, data: data}
	s.mu.Unlock()
	return &discordgo.MessageAttachment{
		ID:          id,
		Filename:    filename,
		ContentType: contentType,
		Size:        len(data),
		URL:         "https://cdn.discordapp.com" + path,
		ProxyURL:    "https://media.discordapp.net" + path,
	}
}

// serveAttachment answers GET /attachments/... with a file AddAttachment
// made, or 404.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.attachments[r.URL.Path]
	s.mu.Unlock()
	c := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Time: time.Now()}
	c.Answered = c.Time
	if !ok || r.Method != http.MethodGet {
		c.Status = http.StatusNotFound
		s.recordCall(c)
		http.NotFound(w, r)
		return
	}
	c.Status = http.StatusOK
	s.recordCall(c)
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	w.Write(f.data)
}

func (s *Server) recordCall(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.signalLocked()
	s.mu.Unlock()
}

func isAttachmentPath(p string) bool { return strings.HasPrefix(p, "/attachments/") }

// Subcommand builds a chat input command interaction (type 2) for the
// subcommand sub of command name, with opts as SlashCommand makes them.
func Subcommand(name, sub string, opts map[string]any, o ...InteractionOption) *discordgo.Interaction {
	options, resolved := commandOptionsResolved(opts)
	i, _ := newInteraction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		ID:          newID(),
		Name:        name,
		CommandType: discordgo.ChatApplicationCommand,
		Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options,
		}},
		Resolved: resolved,
	}, o)
	return i
}

// commandOptionsResolved is commandOptions with attachment options: their
// value becomes the attachment's id and the attachment goes into resolved.
func commandOptionsResolved(opts map[string]any) ([]*discordgo.ApplicationCommandInteractionDataOption, *discordgo.ApplicationCommandInteractionDataResolved) {
	plain := map[string]any{}
	var resolved *discordgo.ApplicationCommandInteractionDataResolved
	var files []*discordgo.ApplicationCommandInteractionDataOption
	for k, v := range opts {
		a, ok := v.(*discordgo.MessageAttachment)
		if !ok {
			plain[k] = v
			continue
		}
		if resolved == nil {
			resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{}}
		}
		resolved.Attachments[a.ID] = a
		files = append(files, &discordgo.ApplicationCommandInteractionDataOption{
			Name: k, Type: discordgo.ApplicationCommandOptionAttachment, Value: a.ID,
		})
	}
	return append(commandOptions(plain, ""), files...), resolved
}
