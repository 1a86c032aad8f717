package corpus

import (
	"regexp"
	"strings"
)

// toldWire is the attribution of a quote given to a wire service's own
// reporter, which means the story is that service's. Other agencies quoted
// in a story ("told TASS", "RIA reported") are sources, not the publisher,
// so only the services whose copy the bot carries are listed.
var toldWire = regexp.MustCompile(`\btold (AFP|Reuters|AP|the Associated Press)\b`)

// detectPublisher names the publisher of a cleaned article only when the
// text itself does: a closing wire sign-off ("... efforts”. REUTERS"), a
// photo credit ("(Source: Associated Press)"), or a quote given to a wire
// ("told AFP"), in that order of trust. It returns "" otherwise; guessing
// from style would put words in the article's mouth.
func detectPublisher(l layout) string {
	lastPara := l.text[strings.LastIndex(l.text, "\n")+1:]
	if n := wireCredit(lastPara); n > 0 {
		return wireNames[lastPara[len(lastPara)-n:]]
	}
	for _, c := range l.captions {
		if src := captionSource(l.text[c.Start:c.End]); src != "" {
			return src
		}
	}
	if m := toldWire.FindStringSubmatch(l.text); m != nil {
		if m[1] == "the Associated Press" {
			return "Associated Press"
		}
		return m[1]
	}
	return ""
}
