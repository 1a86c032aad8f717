package store

import (
	"context"
	"errors"
	"time"
)

// Errors a Store returns, wrapped with the operation; test with errors.Is.
var (
	// ErrNotFound: no answer under that id or message.
	ErrNotFound = errors.New("store: not found")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("store: closed")
	// ErrQueueFull: Async's queue was full and the write was dropped.
	ErrQueueFull = errors.New("store: write queue full, write dropped")
)

// DefaultRetention is how long question text is kept when the configuration
// does not say (store.retention).
const DefaultRetention = 90 * 24 * time.Hour

// Store is what the bot keeps. Implementations are safe for concurrent use.
//
// Times are stored with at least millisecond precision and returned in UTC.
type Store interface {
	// SaveAnswer records an answer the bot has sent. Saving again under the
	// same ID replaces it (message links made with LinkMessage stay).
	SaveAnswer(ctx context.Context, a *Answer) error
	// LinkMessage records that a Discord message belongs to the answer
	// under answerID: the bot's message showing it, the user's message
	// that asked, or a thread started from either (a thread has the ID of
	// the message it starts from). The answer need not be saved yet.
	LinkMessage(ctx context.Context, answerID, messageID string) error
	// Answer returns the answer saved under id, or ErrNotFound.
	Answer(ctx context.Context, id string) (*Answer, error)
	// AnswerByMessage returns the answer a message belongs to, through
	// Answer.MessageID or LinkMessage, or ErrNotFound.
	AnswerByMessage(ctx context.Context, messageID string) (*Answer, error)

	// Vote records user's vote on the answer under answerID: one vote per
	// user per answer; a press of the other button changes it. The user
	// id is kept only as a keyed hash. The answer need not be saved yet
	// (an Async may still hold it), so an unknown id is not an error:
	// check with Answer first if that matters.
	Vote(ctx context.Context, answerID, user string, up bool) (VoteResult, error)

	// LogQuestion adds a refused or 👎 question to the question log. An
	// entry with an AnswerID is kept once per (AnswerID, Reason): a second
	// 👎 on the same answer does not count the question twice. The caller
	// checks the server's Settings.NoQuestionLog first.
	LogQuestion(ctx context.Context, q LoggedQuestion) error
	// Questions returns the guild's logged questions at or after since,
	// oldest first: what /gaps groups and counts.
	Questions(ctx context.Context, guild string, since time.Time) ([]LoggedQuestion, error)

	// Settings returns the guild's settings; the zero Settings when none
	// have been put.
	Settings(ctx context.Context, guild string) (Settings, error)
	// PutSettings replaces the guild's settings.
	PutSettings(ctx context.Context, guild string, s Settings) error

	// Purge removes what was recorded before cutoff: answers (with their
	// message links and votes) and question-log entries. It returns how
	// many answers and log entries went. See PurgeEvery.
	Purge(ctx context.Context, cutoff time.Time) (int64, error)

	// Close releases the store. Calls after Close return ErrClosed.
	Close() error
}

// Answer is an answer the bot has sent, as much of it as its buttons ("Show
// passages", votes) and a reply follow-up need after a restart.
type Answer struct {
	// ID is the key the bot puts in the answer's button custom ids: the
	// interaction or message that asked. Required.
	ID        string     `json:"id"`
	Question  string     `json:"question"` // as answered: mentions and extra spaces removed
	Text      string     `json:"text"`     // the answer as shown
	Citations []Citation `json:"citations,omitempty"`
	Mode      string     `json:"mode,omitempty"` // how it was written: "extractive", "generated"
	Refused   bool       `json:"refused,omitempty"`
	Guild     string     `json:"guild,omitempty"` // empty in direct messages
	Channel   string     `json:"channel,omitempty"`
	MessageID string     `json:"message_id,omitempty"` // the bot's message showing it, when known
	Created   time.Time  `json:"created"`              // zero: when the store writes it
}

// Citation is a passage an answer cites, enough to show it again. It mirrors
// retrieval.Citation so that this package imports nothing of the bot's.
type Citation struct {
	N         int    `json:"n"`
	Source    string `json:"source"` // article id
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	Date      string `json:"date,omitempty"`
	Chunk     string `json:"chunk,omitempty"`
	Text      string `json:"text"` // the passage
	Start     int    `json:"start,omitempty"`
	End       int    `json:"end,omitempty"`
	Quote     string `json:"quote,omitempty"` // the sentence within Text the answer uses
}

// VoteResult is what became of a press of a vote button.
type VoteResult struct {
	Up, Down int  // the answer's counts after this press
	Repeat   bool // the user had already voted this way: nothing changed
	Changed  bool // the user had voted the other way: the vote moved
}

// Reason says why a question is in the question log.
type Reason string

const (
	Refused   Reason = "refused"   // the bot declined to answer
	Downvoted Reason = "downvoted" // a user pressed 👎 on the answer
)

// LoggedQuestion is one entry of the question log.
type LoggedQuestion struct {
	AnswerID string    `json:"answer_id,omitempty"`
	Guild    string    `json:"guild"`
	Channel  string    `json:"channel,omitempty"`
	Question string    `json:"question"`
	Reason   Reason    `json:"reason"`
	Time     time.Time `json:"time"` // zero: when the store writes it
}

// Settings are one server's choices, changed with /settings. The zero value
// is the default: mentions answered everywhere, in the channel, and logged.
type Settings struct {
	// MentionChannels are the channels where mentions are answered; empty
	// means every channel.
	MentionChannels []string `json:"mention_channels,omitempty"`
	// Threads: answers to mentions open a thread.
	Threads bool `json:"threads,omitempty"`
	// NoQuestionLog: refused and 👎 questions are not logged.
	NoQuestionLog bool `json:"no_question_log,omitempty"`
}

// AnswersIn reports whether mentions in channel are answered.
func (s Settings) AnswersIn(channel string) bool {
	if len(s.MentionChannels) == 0 {
		return true
	}
	for _, c := range s.MentionChannels {
		if c == channel {
			return true
		}
	}
	return false
}
