package bot

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/store"
)

// defaultGapDays is how far back /gaps looks when not told.
const defaultGapDays = 30

// gapsShown is how many groups the reply lists; the CSV has every row.
const gapsShown = 15

// gaps answers /gaps [days] for moderators: this server's refused
// questions and 👎 answers over the period, near-duplicates grouped, the
// most frequent first, with counts and the last time each was asked; a CSV
// of every logged question is attached.
func (b *Bot) gaps(in *interaction, opts []*discordgo.ApplicationCommandInteractionDataOption) error {
	if refused, err := b.refuseNonModerator(in, "see the question log"); refused {
		return err
	}
	days := max(optionInt(opts, "days", defaultGapDays), 1)
	if err := in.deferReply(true); err != nil {
		return err
	}
	since := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
	qs, err := b.store.Questions(in.ctx, in.i.GuildID, since)
	if err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	groups := groupQuestions(qs)
	in.outcome = outcomeGaps
	e := gapsEmbed(groups, len(qs), days)
	if len(qs) == 0 {
		_, err := in.send(message{embeds: []*discordgo.MessageEmbed{e}, ephemeral: true})
		return err
	}
	return in.sendFiles(message{embeds: []*discordgo.MessageEmbed{e}, ephemeral: true}, &discordgo.File{
		Name:        fmt.Sprintf("gaps-%s-%dd.csv", time.Now().UTC().Format("2006-01-02"), days),
		ContentType: "text/csv",
		Reader:      bytes.NewReader(gapsCSV(groups)),
	})
}

// gapGroup is a question and its near-duplicates.
type gapGroup struct {
	Question   string // the most recent wording
	terms      map[string]bool
	Count      int
	Refused    int
	Downvoted  int
	Last       time.Time
	Questions  []store.LoggedQuestion // oldest first
	normalized string
}

// groupQuestions groups questions whose analysed term sets (lower-cased,
// punctuation folded, stop words out, stemmed: what the keyword index
// reads) are the same or overlap by a Jaccard index of at least 0.6, and
// orders the groups by count, then by when they were last asked.
func groupQuestions(qs []store.LoggedQuestion) []*gapGroup {
	var groups []*gapGroup
	for _, q := range qs {
		terms := questionTerms(q.Question)
		norm := strings.Join(slices.Sorted(maps.Keys(terms)), " ")
		var g *gapGroup
		for _, c := range groups {
			if c.normalized == norm || jaccard(c.terms, terms) >= 0.6 {
				g = c
				break
			}
		}
		if g == nil {
			g = &gapGroup{terms: terms, normalized: norm}
			groups = append(groups, g)
		}
		g.Count++
		if q.Reason == store.Downvoted {
			g.Downvoted++
		} else {
			g.Refused++
		}
		if !q.Time.Before(g.Last) {
			g.Last, g.Question = q.Time, q.Question
		}
		g.Questions = append(g.Questions, q)
	}
	slices.SortStableFunc(groups, func(a, b *gapGroup) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return b.Last.Compare(a.Last)
	})
	return groups
}

// jaccard is |a∩b| / |a∪b|; 0 when both are empty (a question of stop
// words only is grouped by its identical, empty, term set instead).
func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	common := 0
	for t := range a {
		if b[t] {
			common++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}

// englishAnalyzer is bleve's "en" analyzer, the one the keyword index
// (retrieval/search) reads passages and questions with.
var englishAnalyzer = sync.OnceValues(func() (analysis.Analyzer, error) {
	return registry.NewCache().AnalyzerNamed(en.AnalyzerName)
})

// questionTerms is the set of analysed terms of a question; without the
// analyzer, its lower-cased words.
func questionTerms(q string) map[string]bool {
	terms := map[string]bool{}
	if a, err := englishAnalyzer(); err == nil && a != nil {
		for _, t := range a.Analyze([]byte(q)) {
			terms[string(t.Term)] = true
		}
		return terms
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r > 127)
	}) {
		terms[w] = true
	}
	return terms
}

// gapsEmbed lists the most frequent groups.
func gapsEmbed(groups []*gapGroup, total, days int) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: fmt.Sprintf("Questions the articles did not answer — last %d days", days),
		Color: colourRefused,
	}
	if total == 0 {
		e.Description = "Nothing logged: no question was refused and no answer got a 👎 in this period (or this server's question log is off; see /settings)."
		return e
	}
	var lines []string
	for i, g := range groups {
		if i == gapsShown {
			lines = append(lines, fmt.Sprintf("…and %d more groups in the CSV.", len(groups)-gapsShown))
			break
		}
		why := []string{}
		if g.Refused > 0 {
			why = append(why, fmt.Sprintf("%d refused", g.Refused))
		}
		if g.Downvoted > 0 {
			why = append(why, fmt.Sprintf("%d 👎", g.Downvoted))
		}
		lines = append(lines, fmt.Sprintf("**%d×** %s — last <t:%d:R> (%s)", g.Count,
			trimText(escapeMarkdown(g.Question), 200), g.Last.Unix(), strings.Join(why, ", ")))
	}
	e.Description = trimText(strings.Join(lines, "\n"), maxEmbedDescription)
	e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("%d questions in %d groups; every one is in the attached CSV.", total, len(groups))}
	return e
}

// gapsCSV has a row per logged question, with its group.
func gapsCSV(groups []*gapGroup) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"group", "group_count", "time", "reason", "channel", "question"})
	for i, g := range groups {
		for _, q := range g.Questions {
			w.Write([]string{fmt.Sprint(i + 1), fmt.Sprint(g.Count), q.Time.UTC().Format(time.RFC3339),
				string(q.Reason), q.Channel, csvSafe(q.Question)})
		}
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe keeps a spreadsheet from reading a question as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
