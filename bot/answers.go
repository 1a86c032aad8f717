package bot

import (
	"sync"

	"github.com/summitbot/summitbot/retrieval"
)

// answerRecord is an answer the bot has sent, kept so that its buttons work
// and so that a thread started from it knows what was asked.
type answerRecord struct {
	key      string // in the buttons' custom ids: the interaction or message that asked
	question string // as answered, mentions and extra spaces removed
	answer   *retrieval.Answer
	messages []string        // IDs of the messages a thread under which continues this question
	votes    map[string]bool // user id → voted up
}

// answerStore keeps the most recent answers in memory. Older ones are
// forgotten: their buttons then say to ask again, and a thread under them
// is answered without context. Nothing survives a restart.
type answerStore struct {
	mu        sync.Mutex
	max       int
	byKey     map[string]*answerRecord
	byMessage map[string]*answerRecord
	order     []string // keys, oldest first
}

func newAnswerStore(max int) *answerStore {
	return &answerStore{
		max:       max,
		byKey:     make(map[string]*answerRecord),
		byMessage: make(map[string]*answerRecord),
	}
}

// add keeps an answer under key, forgetting the oldest beyond the limit.
func (s *answerStore) add(key, question string, a *retrieval.Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byKey[key]; ok {
		return
	}
	s.byKey[key] = &answerRecord{key: key, question: question, answer: a, votes: map[string]bool{}}
	s.order = append(s.order, key)
	for len(s.order) > s.max {
		old := s.byKey[s.order[0]]
		delete(s.byKey, old.key)
		for _, m := range old.messages {
			if s.byMessage[m] == old {
				delete(s.byMessage, m)
			}
		}
		s.order[0] = ""
		s.order = s.order[1:]
	}
}

// setMessage records the ID of a message that belongs to the answer under
// key: the bot's message showing it, or the user's message that asked. A
// thread started from either continues the question.
func (s *answerStore) setMessage(key, messageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.byKey[key]; r != nil && messageID != "" {
		r.messages = append(r.messages, messageID)
		s.byMessage[messageID] = r
	}
}

// get returns the question and answer kept under key.
func (s *answerStore) get(key string) (question string, a *retrieval.Answer, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byKey[key]
	if r == nil {
		return "", nil, false
	}
	return r.question, r.answer, true
}

// questionOf returns the question that message messageID asked or answered.
// A thread started from a message has that message's ID (Discord's
// MessageFlagsHasThread: "an associated thread, with the same id as the
// message"), so a thread's channel ID finds the answer it hangs under.
func (s *answerStore) questionOf(messageID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byMessage[messageID]
	if r == nil {
		return "", false
	}
	return r.question, true
}

// voteResult is what became of a vote.
type voteResult int

const (
	voteCounted voteResult = iota
	voteRepeated
	voteUnknownAnswer
)

// vote records user's vote on the answer under key, once per user.
func (s *answerStore) vote(key, user string, up bool) (voteResult, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byKey[key]
	switch {
	case r == nil:
		return voteUnknownAnswer, ""
	case hasKey(r.votes, user):
		return voteRepeated, r.question
	}
	r.votes[user] = up
	return voteCounted, r.question
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
