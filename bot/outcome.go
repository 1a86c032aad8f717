package bot

import "fmt"

// outcome is how an interaction or a mention ended: the label it is
// counted under (Metrics) and the value it is logged with.
type outcome string

// The outcomes. An autocomplete's is choicesOutcome.
const (
	outcomeAnswered        outcome = "answered"
	outcomeArticleAdded    outcome = "article_added"
	outcomeArticleRefused  outcome = "article_refused"
	outcomeArticleRemoved  outcome = "article_removed"
	outcomeChannelOff      outcome = "channel_off"
	outcomeGaps            outcome = "gaps"
	outcomeSettings        outcome = "settings"
	outcomeChat            outcome = "chat"
	outcomeChoices         outcome = "choices"
	outcomeDMDisabled      outcome = "dm_disabled"
	outcomeError           outcome = "error"
	outcomeForbidden       outcome = "forbidden"
	outcomeForgotten       outcome = "forgotten"
	outcomeIgnored         outcome = "ignored"
	outcomeInvalidQuestion outcome = "invalid_question"
	outcomeListed          outcome = "listed"
	outcomeOk              outcome = "ok"
	outcomePassages        outcome = "passages"
	outcomeRateLimited     outcome = "rate_limited"
	outcomeRefused         outcome = "refused"
	outcomeReloadFailed    outcome = "reload_failed"
	outcomeReloadRunning   outcome = "reload_running"
	outcomeReloaded        outcome = "reloaded"
	outcomeShown           outcome = "shown"
	outcomeUnknownButton   outcome = "unknown_button"
	outcomeUnknownCommand  outcome = "unknown_command"
	outcomeUnknownSource   outcome = "unknown_source"
	outcomeVoteRepeated    outcome = "vote_repeated"
	outcomeVoted           outcome = "voted"
)

// choicesOutcome is an autocomplete's outcome: how many choices it offered.
// Metrics count them all as "choices".
func choicesOutcome(n int) outcome { return outcome(fmt.Sprintf("%d choices", n)) }
