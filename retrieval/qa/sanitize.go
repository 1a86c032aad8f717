package qa

import (
	"regexp"
	"strings"
)

// Model output is untrusted input: a model can be talked into writing a
// phishing link, an invite or a mention by the very passages it reads.
// Before any generated text is shown — drafts included — SanitizeGenerated
// takes out everything that is not plain prose: the bot's own embeds may
// link, the model's text may not.
var (
	fencedCodeRE = regexp.MustCompile("(?s)```.*?(?:```|$)")
	inlineCodeRE = regexp.MustCompile("`+")
	maskedLinkRE = regexp.MustCompile(`!?\[([^\[\]]*)\]\(\s*<?[^()\s]*>?(?:\s+"[^"]*")?\s*\)`)
	angleLinkRE  = regexp.MustCompile(`<(?:https?|ftp|steam|discord)://[^>\s]*>`)
	urlRE        = regexp.MustCompile(`(?i)\S*://\S*|\bwww\.\S*`)
	inviteRE     = regexp.MustCompile(`(?i)\S*(?:discord(?:app)?\.(?:gg|com|io|me|li)|dsc\.gg|invite\.gg)\S*(?:\s*/\s*\S*)?`)
	domainRE     = regexp.MustCompile(`(?i)\b(?:[a-z0-9-]+\.)+(?:com|org|net|gg|io|ru|co|me|ly|xyz|info|app|dev|link|site|online|top|click|biz|us|uk|tk|to)\b(?:/\S*)?`)
	mentionRE    = regexp.MustCompile(`<(?:@[!&]?|#|:[A-Za-z0-9_~]+:|a:[A-Za-z0-9_~]+:|t:|/[^:>]+:)[^>]*>`)
	massPingRE   = regexp.MustCompile(`(?i)@+\s*(everyone|here)\b`)
	atRE         = regexp.MustCompile(`@+(\S)`)
	headingRE    = regexp.MustCompile(`(?m)^[ \t]*(?:(?:#{1,6}|-#|>{1,3})[ \t]*)+`)
	spoilerRE    = regexp.MustCompile(`\|\|`)
	spaceRunRE   = regexp.MustCompile(`[ \t]{2,}`)
)

// SanitizeGenerated returns model text as plain prose: no code blocks
// (dropped whole), no masked links (their words are kept, their target
// dropped), no URLs, invites or bare link-like domains, no user, role or
// channel mentions, no @everyone or @here, no headings, block quotes or
// spoilers. What is left is checked against the passages like any other
// claim.
func SanitizeGenerated(text string) string {
	// Taking one thing out can form another ("<@<@1>1>"): repeat until
	// nothing changes, which a few passes always reach in practice.
	s := strings.ToValidUTF8(text, "\uFFFD") // a Generator may pass on any bytes
	for range 8 {
		next := sanitizeOnce(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

func sanitizeOnce(text string) string {
	s := fencedCodeRE.ReplaceAllString(text, " ")
	s = inlineCodeRE.ReplaceAllString(s, "")
	for maskedLinkRE.MatchString(s) { // nested brackets unwrap one level a pass
		s = maskedLinkRE.ReplaceAllString(s, "$1")
	}
	s = angleLinkRE.ReplaceAllString(s, " ")
	s = urlRE.ReplaceAllString(s, " ")
	s = inviteRE.ReplaceAllString(s, " ")
	s = domainRE.ReplaceAllString(s, " ")
	s = mentionRE.ReplaceAllString(s, " ")
	s = massPingRE.ReplaceAllString(s, "$1")
	s = atRE.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "@", "")
	s = headingRE.ReplaceAllString(s, "")
	s = spoilerRE.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "](", "] (") // no masked link can be left half-formed
	s = spaceRunRE.ReplaceAllString(s, " ")
	return strings.TrimSpace(s)
}

// linkOrMention says what a piece of model text carries that no claim
// needs: "a link" (masked, bare, an invite or a link-like domain), "a
// mention" (of a user, role or channel, @everyone, @here, or any @), or "".
// A sentence that carries one is dropped, not cleaned and shown: the model
// was writing to someone, not answering.
func linkOrMention(text string) string {
	for _, re := range []*regexp.Regexp{maskedLinkRE, angleLinkRE, urlRE, inviteRE, domainRE} {
		if re.MatchString(text) {
			return "a link"
		}
	}
	if mentionRE.MatchString(text) || massPingRE.MatchString(text) || strings.Contains(text, "@") {
		return "a mention"
	}
	return ""
}
