package qa

import (
	"regexp"
	"strings"
	"unicode"
)

// Intent is what a message asks of the bot, read before any retrieval.
type Intent int

const (
	// IntentQuestion is a question for the articles.
	IntentQuestion Intent = iota
	// IntentChat is small talk or a question about the bot itself
	// ("thanks!", "hello", "what can you do"): it gets a short friendly
	// reply, never a quote and never the refusal.
	IntentChat
	// IntentInstruction is an attempt to give the bot new instructions or
	// to make it assume what the articles do not state ("ignore your
	// rules", "pretend Putin resigned"): it is refused.
	IntentInstruction
)

func (i Intent) String() string {
	switch i {
	case IntentChat:
		return "chat"
	case IntentInstruction:
		return "instruction"
	}
	return "question"
}

// ChatKind says which sort of small talk a message is, so the reply can
// answer in kind before it says what the bot covers.
type ChatKind int

const (
	ChatOther     ChatKind = iota // praise, acknowledgements, anything else
	ChatGreeting                  // hi, hello, good morning
	ChatThanks                    // thanks, ty, cheers
	ChatHelp                      // help, how do I use this
	ChatAbout                     // who are you, what can you do, who made you
	ChatFarewell                  // bye, see you
	ChatComplaint                 // wrong answer, bad bot
)

// ReadIntent says whether text is a question for the articles, small talk,
// or an attempt to instruct the bot. It reads the words only: a message
// that mixes small talk with a real question ("thanks! where did they
// meet?") is a question.
func ReadIntent(text string) (Intent, ChatKind) {
	lower := foldChat(text)
	raw := strings.ToLower(text) // with its punctuation: "system:"
	for _, re := range instructionPatterns {
		if re.MatchString(lower) || re.MatchString(raw) {
			return IntentInstruction, ChatOther
		}
	}
	if dictates(lower) {
		return IntentInstruction, ChatOther
	}
	if degenerate(lower) {
		// "kim kim kim kim…": no question to answer; say how to ask one.
		return IntentChat, ChatHelp
	}
	kind := ChatOther
	rest := lower
	for _, p := range chatPhrases {
		if p.re.MatchString(rest) {
			if kind == ChatOther {
				kind = p.kind
			}
			rest = p.re.ReplaceAllString(rest, " ")
		}
	}
	words := strings.Fields(rest)
	if len(words) == 0 && kind == ChatOther && lower != "" {
		// Nothing but filler matched no phrase: "lol", "ok".
		return IntentChat, ChatOther
	}
	for _, w := range words {
		if !chatFiller[w] {
			return IntentQuestion, ChatOther
		}
	}
	if len(words) == 0 && kind == ChatOther {
		return IntentQuestion, ChatOther
	}
	return IntentChat, kind
}

// degenerate reports a message of one word said over and over: three
// times or more, and nothing else.
func degenerate(folded string) bool {
	words := strings.Fields(folded)
	if len(words) < 3 {
		return false
	}
	for _, w := range words[1:] {
		if w != words[0] {
			return false
		}
	}
	return true
}

// foldChat lower-cases text, keeps letters, digits and apostrophes, folds
// curly apostrophes, and squeezes a letter typed three or more times in a
// row ("hiii", "thxxx", "heyyy") to one, or to two for o and e ("cooool",
// "seeee"), so the phrase patterns see plain words.
func foldChat(text string) string {
	rs := []rune(strings.ToLower(text))
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '’' || r == '\'':
			b.WriteRune('\'')
			continue
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			b.WriteRune(' ')
			continue
		}
		j := i
		for j+1 < len(rs) && rs[j+1] == r {
			j++
		}
		n := j - i + 1
		if n >= 3 && unicode.IsLetter(r) {
			n = 1
			if r == 'o' || r == 'e' {
				n = 2
			}
		}
		for range n {
			b.WriteRune(r)
		}
		i = j
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// chatPhrase is a piece of small talk and what kind of small talk it is.
type chatPhrase struct {
	re   *regexp.Regexp
	kind ChatKind
}

func phrase(kind ChatKind, alternatives ...string) chatPhrase {
	return chatPhrase{regexp.MustCompile(`\b(?:` + strings.Join(alternatives, "|") + `)\b`), kind}
}

// chatPhrases are the phrases of small talk, most telling first. A message
// is small talk when nothing but these and chatFiller remains of it.
var chatPhrases = []chatPhrase{
	phrase(ChatAbout,
		`(?:who|what) (?:are|r) (?:you|u|ya)`, `what is this(?: bot| thing)?`, `what(?:'s| is) this(?: bot| thing)?`,
		`who (?:made|built|created|runs|owns|wrote|programmed|coded|developed|maintains) (?:you|u|this(?: bot)?)`,
		`who(?:'s| is) (?:behind|running) (?:you|u|this(?: bot)?)`,
		`what (?:can|do|could) (?:you|u) (?:do|know|answer|cover|tell me(?: about)?)`,
		`what (?:do|can) (?:you|u) help with`,
		`(?:are|r) (?:you|u) (?:a bot|an ai|a robot|a human|human|a person|real|alive|chatgpt|gpt)(?: or (?:a |an )?(?:bot|ai|robot|human|person|real))?`,
		`how (?:do|does|can) (?:i|you|u|this|it)(?: bot)? (?:use|work|ask)(?: you| u| this| it)?`,
		`what (?:topics|articles|sources|commands)(?: do (?:you|u) (?:have|know|cover))?`,
		`your name`, `what(?:'s| is) your name`,
		`what (?:model|llm|ai) (?:are|r) (?:you|u)(?: using| running)?`,
		`what(?:'s|s| is)? (?:this|the) (?:bot|thing) (?:for|about)`, `what (?:are|r) (?:you|u) (?:for|about)`),
	phrase(ChatComplaint, `bad bot`, `wrong answer`, `(?:that's|thats|that is|this is|it's|its) (?:wrong|not right|incorrect|not true|false|not helpful|useless)`,
		`(?:you're|youre|you are|ur|u r|u are) (?:wrong|useless|no help)`, `not helpful`, `useless`, `doesn't help`,
		`didn't help`, `doesnt help`, `didnt help`),
	phrase(ChatHelp, `help(?: me)?`, `commands`, `how to use`, `usage`, `instructions`, `i (?:have|got) a question`,
		`can i ask (?:you|u)?(?: a question| something)`, `(?:can|could) (?:you|u) help(?: me)?`, `i need help`),
	phrase(ChatThanks, `thank(?:s|ss|x|u| you| u| ya)?(?: (?:so|very) much| a lot| a ton| kindly)?`, `thx`, `tysm`, `ty`, `tyvm`,
		`cheers`, `(?:much )?appreciated`, `appreciate (?:it|that|you|u)`),
	phrase(ChatFarewell, `bye`, `goodbye`, `good bye`, `cya`, `see (?:you|u|ya)(?: later| soon)?`, `later`, `good ?night`, `gn`,
		`night(?: all| everyone| guys)?`, `nite`, `brb`,
		`(?:gotta|got to|have to|need to|hafta) (?:go|run|bounce|head out|dip)`, `gtg`, `g2g`, `ttyl`, `peace(?: out)?`,
		`i'?m (?:off|out)`),
	phrase(ChatGreeting, `hi`, `hello`, `hey`, `heya`, `hiya`, `yo`, `sup`, `wassup`, `whats up`, `what's up`, `howdy`,
		`greetings`, `hola`, `gm`, `good (?:morning|afternoon|evening|day)`, `morning`, `evening`, `welcome back`,
		`(?:anyone|anybody|you|u) (?:here|there|around|awake)`, `is (?:this|it|the bot)(?: thing)? (?:on|working|alive)`,
		`ping`, `test(?:ing)?(?: 123)?`, `wyd`,
		`how (?:are|r) (?:you|u|ya|we|yall|y'all|you all|u all|everyone|things)(?: doing| going)?`,
		`how(?:'s| is) it going`),
	phrase(ChatOther, `good bot`, `(?:great|good|nice) answer`, `nice(?: one| bot| work| job)?`, `cool`, `great`, `awesome`, `amazing`, `perfect`,
		`helpful`, `brilliant`, `neat`, `sweet`, `wow`, `lol`, `lmao`, `haha`, `hah`, `ok`, `okay`, `k`, `kk`,
		`alright`, `gotcha`, `got it`, `makes sense`, `fair enough`, `love (?:you|u|it|this)`, `you rock`, `u rock`,
		`well done`, `good job`, `interesting`, `np`, `no problem`, `no worries`, `bruh`, `omg`, `oops`, `nvm`,
		`never ?mind`, `hmm+`, `respect`, `based`, `w`, `sorry`, `my bad`,
		`(?:ur|you're|youre|you are|u r|u are|this is|this bot is|the bot is|bot is) (?:pretty |really |so |very |actually |kinda |lowkey )?(?:good|great|smart|helpful|awesome|amazing|cool|useful|the best|goated|fire)(?: at (?:this|it|that))?`, `(?:that |this |it |u |you )?(?:helped|helps|was helpful|is helpful|was useful)`),
}

// chatFiller are words that small talk carries around its phrases: "hey
// there guys", "thanks so much man".
var chatFiller = map[string]bool{
	"a": true, "the": true, "so": true, "very": true, "much": true, "really": true, "just": true,
	"there": true, "all": true, "guys": true, "everyone": true, "folks": true, "man": true, "bro": true,
	"dude": true, "mate": true, "buddy": true, "bud": true, "again": true, "you": true, "u": true,
	"ya": true, "bot": true, "summitbot": true, "for": true, "that": true, "this": true, "it": true,
	"oh": true, "and": true, "too": true, "please": true, "pls": true, "plz": true, "me": true, "i": true,
	"is": true, "was": true, "that's": true, "thats": true, "its": true, "it's": true, "super": true,
	"pretty": true, "quite": true, "now": true, "then": true, "well": true, "yeah": true, "yes": true,
	"no": true, "nope": true, "yep": true, "sure": true, "thing": true, "one": true,
	// chat's hedges and intensifiers: "ngl ur pretty good", "that actually
	// helped a lot", "what can u do exactly"
	"actually": true, "lot": true, "lots": true, "ton": true, "tons": true, "ngl": true, "tbh": true,
	"fr": true, "lowkey": true, "honestly": true, "def": true, "definitely": true, "totally": true,
	"kinda": true, "exactly": true, "btw": true, "anyway": true, "anyways": true,
}

// instructionPatterns are the shapes of an attempt to instruct the bot or
// make it take something as given. The bot answers from the articles only,
// so it refuses these rather than play along.
var instructionPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:ignore|disregard|forget|override|bypass|drop)\b.{0,40}\b(?:instructions?|rules?|prompts?|previous|above|guidelines?|restrictions?|articles?|sources?|everything|context)\b`),
	regexp.MustCompile(`\b(?:pretend|roleplay|role play|act as|act like|you are now|you're now|from now on|simulate|play the role|imagine (?:you|that|if))\b`),
	regexp.MustCompile(`\b(?:system prompt|your prompt|developer mode|dev mode|jailbreak|dan mode|new instructions?|your instructions|your rules)\b`),
	regexp.MustCompile(`\b(?:assume|assuming|suppose|supposing|let's say|lets say|hypothetically|in a world where)\b`),
	// A role prefix, or news of the articles changing: someone speaking
	// for the system or the sources.
	regexp.MustCompile(`^\s*(?:system|admin|administrator|developer|assistant|moderator|mod)\s*:|\b(?:articles?|sources?|passages?|texts?)\s+(?:were|was|have been|has been|got)\s+(?:updated|changed|edited|corrected)\b`),
	// A premise stated as a fact the articles hold: "the articles say X,
	// right?". A premise given as settled ("since kim signed the deal,
	// what…") is a question, and the judge checks the premise (Claims).
	regexp.MustCompile(`^\s*(?:the\s+)?(?:articles?|sources?|passages?)\s+(?:say|says|said|state|states|claim|claims|show|shows)\b`),
	regexp.MustCompile(`\b(?:say|write|tell me|give me|make up|invent|compose|generate)\b.{0,20}\b(?:joke|poem|story|song|limerick|haiku|essay|code|script|password|token|secret)\b`),
	regexp.MustCompile(`\b(?:repeat|print|reveal|show|output)\b.{0,20}\b(?:prompt|instructions?|token|secret|config|password)\b`),
}

// dictatedRE finds an answer dictated to the bot, and whether "or"
// follows it: "just answer yes", "say yes", "only reply with true".
var dictatedRE = regexp.MustCompile(`(?:^|\b(?:just|only|simply|pls|please|plz)\s+)(?:answer|say|reply|respond|type|write)\s+(?:with\s+)?(?:a\s+)?(?:yes|yeah|yep|no|nope|true|false)\b(\s+or\b)?`)

// dictates reports whether folded (see foldChat) tells the bot what to
// answer: it asks for a confirmation, not for what the articles say. "just
// answer yes or no" only asks for a short answer.
func dictates(folded string) bool {
	for _, m := range dictatedRE.FindAllStringSubmatch(folded, -1) {
		if m[1] == "" {
			return true
		}
	}
	return false
}

// ChatReply is the bot's answer to small talk: a word in kind, what the
// bot covers, how to ask, and two example questions.
func ChatReply(kind ChatKind) string {
	var opening string
	switch kind {
	case ChatGreeting:
		opening = "Hi! "
	case ChatThanks:
		opening = "You're welcome! "
	case ChatFarewell:
		opening = "Bye for now! "
	case ChatComplaint:
		opening = "Sorry that missed. "
	case ChatOther:
		opening = "Glad to help. "
	}
	return opening + "I answer questions about Vladimir Putin hosting Kim Jong Un at the Vostochny Cosmodrome on 13 September 2023, " +
		"quoting only the news articles I have and citing each passage. " +
		"Ask in plain words, for example “Where did Putin and Kim meet?” or “How did Kim travel to Russia?”"
}

// InstructionRefusal is the answer to an attempt to instruct the bot.
const InstructionRefusal = "I only answer from the articles I have, so I can't take new instructions or assume anything they don't say. " +
	"Ask me what they report about the Putin–Kim summit."
