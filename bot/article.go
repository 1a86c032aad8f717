package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// articleExts are the files /article add takes. Each is kept as .txt, the
// only kind the loader reads; its markup is cleaned as any article's is.
var articleExts = map[string]bool{".txt": true, ".md": true, ".html": true, ".htm": true}

// article answers /article add and /article remove for moderators: the
// corpus directory changes, the corpus reloads, and the reply is what the
// reload changed. Other shards hear of it through the Notifier.
func (b *Bot) article(in *interaction, data discordgo.ApplicationCommandInteractionData) error {
	if refused, err := b.refuseNonModerator(in, "add or remove articles"); refused {
		return err
	}
	if len(data.Options) != 1 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		in.outcome = outcomeUnknownCommand
		_, err := in.send(text("Use /article add or /article remove.", true))
		return err
	}
	sub := data.Options[0]
	refuse := func(why string) error {
		in.outcome = outcomeArticleRefused
		b.log.Info("article refused", "interaction", in.i.ID, "user", in.user().ID, "guild", in.i.GuildID, "reason", why)
		_, err := in.send(text(why, true))
		return err
	}
	if why := b.corpusDirProblem(); why != "" {
		return refuse(why)
	}
	switch sub.Name {
	case "add":
		return b.articleAdd(in, sub.Options, data.Resolved, refuse)
	case "remove":
		return b.articleRemove(in, optionString(sub.Options, "id"), refuse)
	}
	in.outcome = outcomeUnknownCommand
	_, err := in.send(text("Use /article add or /article remove.", true))
	return err
}

// corpusDirProblem says why the corpus directory cannot be changed, or "".
func (b *Bot) corpusDirProblem() string {
	dir := b.cfg.CorpusDir
	if dir == "" {
		return "The bot answers from the articles built into it (no `corpus.dir` is configured), so articles cannot be added or removed from Discord. Set `corpus.dir` to a directory of articles and restart the bot."
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "The corpus directory (`corpus.dir`) cannot be read; nothing was changed. The bot's log says why."
	}
	f, err := os.CreateTemp(dir, ".summitbot-write-check-*")
	if err != nil {
		b.log.Warn("corpus directory not writable", "dir", dir, "err", err)
		return "The corpus directory (`corpus.dir`) is not writable by the bot, so articles cannot be added or removed from Discord; nothing was changed."
	}
	f.Close()
	os.Remove(f.Name())
	return ""
}

func (b *Bot) articleAdd(in *interaction, opts []*discordgo.ApplicationCommandInteractionDataOption,
	resolved *discordgo.ApplicationCommandInteractionDataResolved, refuse func(string) error) error {
	var att *discordgo.MessageAttachment
	if resolved != nil {
		att = resolved.Attachments[optionString(opts, "file")]
	}
	if att == nil {
		return refuse("Attach the article as the `file` option.")
	}
	ext := strings.ToLower(path.Ext(att.Filename))
	if !articleExts[ext] {
		return refuse(fmt.Sprintf("`%s` is not a .txt, .md or .html file; nothing was changed.", escapeMarkdown(att.Filename)))
	}
	if att.Size > corpus.MaxFileSize {
		return refuse(fmt.Sprintf("`%s` is over 1 MiB (%d bytes); nothing was changed.", escapeMarkdown(att.Filename), att.Size))
	}
	id := strings.TrimSpace(optionString(opts, "id"))
	if id == "" {
		id = corpus.Slug(att.Filename)
	}
	if !corpus.ValidID(id) {
		return refuse(fmt.Sprintf("`%s` is not a usable id: use lower-case letters, digits and single hyphens, as in `reuters-vostochny`; nothing was changed.", escapeMarkdown(id)))
	}
	if _, taken := b.engine.Article(id); taken {
		return refuse(fmt.Sprintf("An article with the id `%s` is already in the corpus; remove it first, or choose another id. Nothing was changed.", id))
	}
	entry := corpus.Entry{
		File:      id + ".txt",
		ID:        id,
		Title:     strings.TrimSpace(optionString(opts, "title")),
		Date:      strings.TrimSpace(optionString(opts, "date")),
		Publisher: strings.TrimSpace(optionString(opts, "publisher")),
	}
	if err := in.deferReply(true); err != nil {
		return err
	}
	raw, err := b.download(in.ctx, in.s, att)
	if err != nil {
		b.log.Warn("article download failed", "interaction", in.i.ID, "file", att.Filename, "err", err)
		return refuse(fmt.Sprintf("I could not download `%s` (%s); nothing was changed.", escapeMarkdown(att.Filename), escapeMarkdown(errors.Unwrap(err).Error())))
	}
	err = corpus.AddArticle(b.cfg.CorpusDir, entry, raw)
	var ferr *corpus.FileError
	switch {
	case errors.As(err, &ferr):
		return refuse(fmt.Sprintf("`%s` cannot be an article: %s. Nothing was changed.", escapeMarkdown(att.Filename), ferr.Reason))
	case errors.Is(err, corpus.ErrExists):
		return refuse(fmt.Sprintf("An article with the id `%s` (file `%s`) is already in the corpus directory; nothing was changed.", id, entry.File))
	case err != nil:
		return fmt.Errorf("article add: %w", err)
	}
	b.log.Info("article added", "interaction", in.i.ID, "user", in.user().ID, "guild", in.i.GuildID,
		"id", id, "file", entry.File, "bytes", len(raw))
	return b.reloadAfterChange(in, "Article added", outcomeArticleAdded)
}

func (b *Bot) articleRemove(in *interaction, id string, refuse func(string) error) error {
	id = strings.TrimSpace(id)
	if err := in.deferReply(true); err != nil {
		return err
	}
	file, err := corpus.RemoveArticle(b.cfg.CorpusDir, id, time.Now())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return refuse(fmt.Sprintf("There is no article `%s` in the corpus directory; see /sources. Nothing was changed.", escapeMarkdown(id)))
	case err != nil:
		return fmt.Errorf("article remove: %w", err)
	}
	b.log.Info("article removed", "interaction", in.i.ID, "user", in.user().ID, "guild", in.i.GuildID, "id", id, "file", file)
	return b.reloadAfterChange(in, "Article removed", outcomeArticleRemoved)
}

// reloadAfterChange reloads the corpus after /article changed it and
// replies with what the reload changed, then tells the other shards.
func (b *Bot) reloadAfterChange(in *interaction, title string, done outcome) error {
	rep, err := b.reloadShowingProgress(in)
	if errors.Is(err, retrieval.ErrReloadRunning) {
		// The running reload may have read the directory before the
		// change; one more after it picks the change up.
		rep, err = b.reloadWhenFree(in)
	}
	if err != nil {
		in.outcome = outcomeReloadFailed
		b.log.Warn("reload after an article change failed; the old index is still serving", "interaction", in.i.ID, "err", err)
		_, err = in.send(message{embeds: []*discordgo.MessageEmbed{reloadFailedEmbed(err)}, ephemeral: true})
		return err
	}
	in.outcome = done
	b.corpusChanged(in.ctx)
	e := reloadEmbed(rep)
	e.Title = title
	_, err = in.send(message{embeds: []*discordgo.MessageEmbed{e}, ephemeral: true})
	return err
}

// reloadWhenFree retries a reload that found another running, for a while.
func (b *Bot) reloadWhenFree(in *interaction) (*retrieval.ReloadReport, error) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case <-in.ctx.Done():
			return nil, in.ctx.Err()
		case <-t.C:
		}
		rep, err := b.engine.Reload(in.ctx)
		if !errors.Is(err, retrieval.ErrReloadRunning) || time.Now().After(deadline) {
			return rep, err
		}
	}
}

// download fetches an attachment, at most corpus.MaxFileSize bytes of it
// (more is an error), through the configured API base's host when that is
// not Discord's (a proxy; the fake Discord in tests).
func (b *Bot) download(ctx context.Context, s *discordgo.Session, att *discordgo.MessageAttachment) ([]byte, error) {
	u, err := b.attachmentURL(att.URL)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", att.Filename, err)
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", att.Filename, err)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", att.Filename, errors.New("the request failed"))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %w", att.Filename, fmt.Errorf("HTTP %d", resp.StatusCode))
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, corpus.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", att.Filename, errors.New("the download broke off"))
	}
	return raw, nil
}

// attachmentURL is where to fetch an attachment: its own URL on Discord,
// or the same path on the configured API base's host.
func (b *Bot) attachmentURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" {
		return "", errors.New("not an http(s) URL")
	}
	if b.cfg.APIURL == DefaultAPIURL {
		return raw, nil
	}
	base, err := url.Parse(b.cfg.APIURL)
	if err != nil {
		return "", err
	}
	u.Scheme, u.Host = base.Scheme, base.Host
	return u.String(), nil
}
