package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
)

// Memory is a Store and Notifier held in memory: for tests, and for a bot
// run without a store configured. Nothing survives the process.
type Memory struct {
	mu        sync.Mutex
	closed    bool
	users     UserHasher
	answers   map[string]*Answer
	messages  map[string]string          // message id → answer id
	votes     map[string]map[string]bool // answer id → user hash → up
	questions []LoggedQuestion
	logged    map[[2]string]bool // (answer id, reason) already logged
	settings  map[string]Settings
	listeners map[string][]chan string
}

var (
	_ Store    = (*Memory)(nil)
	_ Notifier = (*Memory)(nil)
)

// NewMemory returns an empty Memory with a random user-hash key.
func NewMemory() *Memory {
	users, _ := NewUserHasher(NewUserKey())
	return &Memory{
		users:     users,
		answers:   make(map[string]*Answer),
		messages:  make(map[string]string),
		votes:     make(map[string]map[string]bool),
		logged:    make(map[[2]string]bool),
		settings:  make(map[string]Settings),
		listeners: make(map[string][]chan string),
	}
}

func (m *Memory) lock(op string) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	return nil
}

func (m *Memory) SaveAnswer(ctx context.Context, a *Answer) error {
	if err := ValidateAnswer(a); err != nil {
		return err
	}
	if err := m.lock("save answer"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	c := cloneAnswer(a)
	c.Created = CreatedOrNow(a)
	m.answers[a.ID] = c
	if a.MessageID != "" {
		m.messages[a.MessageID] = a.ID
	}
	return nil
}

func (m *Memory) LinkMessage(ctx context.Context, answerID, messageID string) error {
	if answerID == "" || messageID == "" {
		return fmt.Errorf("link message %q to answer %q: empty id", messageID, answerID)
	}
	if err := m.lock("link message"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	m.messages[messageID] = answerID
	return nil
}

func (m *Memory) Answer(ctx context.Context, id string) (*Answer, error) {
	if err := m.lock("answer"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	a := m.answers[id]
	if a == nil {
		return nil, fmt.Errorf("answer %q: %w", id, ErrNotFound)
	}
	return cloneAnswer(a), nil
}

func (m *Memory) AnswerByMessage(ctx context.Context, messageID string) (*Answer, error) {
	if err := m.lock("answer by message"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	a := m.answers[m.messages[messageID]]
	if a == nil {
		return nil, fmt.Errorf("answer by message %q: %w", messageID, ErrNotFound)
	}
	return cloneAnswer(a), nil
}

func (m *Memory) Vote(ctx context.Context, answerID, user string, up bool) (VoteResult, error) {
	if answerID == "" || user == "" {
		return VoteResult{}, fmt.Errorf("vote on %q: empty answer or user id", answerID)
	}
	if err := m.lock("vote"); err != nil {
		return VoteResult{}, err
	}
	defer m.mu.Unlock()
	votes := m.votes[answerID]
	if votes == nil {
		votes = make(map[string]bool)
		m.votes[answerID] = votes
	}
	var r VoteResult
	u := m.users.Hash(user)
	if prev, ok := votes[u]; ok {
		r.Repeat = prev == up
		r.Changed = prev != up
	}
	votes[u] = up
	for _, v := range votes {
		if v {
			r.Up++
		} else {
			r.Down++
		}
	}
	return r, nil
}

func (m *Memory) LogQuestion(ctx context.Context, q LoggedQuestion) error {
	if err := ValidateLoggedQuestion(q); err != nil {
		return err
	}
	if err := m.lock("log question"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if q.AnswerID != "" {
		k := [2]string{q.AnswerID, string(q.Reason)}
		if m.logged[k] {
			return nil
		}
		m.logged[k] = true
	}
	q.Time = OrNow(q.Time)
	m.questions = append(m.questions, q)
	return nil
}

func (m *Memory) Questions(ctx context.Context, guild string, since time.Time) ([]LoggedQuestion, error) {
	if err := m.lock("questions"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out []LoggedQuestion
	for _, q := range m.questions {
		if q.Guild == guild && !q.Time.Before(since) {
			out = append(out, q)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

func (m *Memory) Settings(ctx context.Context, guild string) (Settings, error) {
	if err := m.lock("settings"); err != nil {
		return Settings{}, err
	}
	defer m.mu.Unlock()
	s := m.settings[guild]
	s.MentionChannels = slices.Clone(s.MentionChannels)
	return s, nil
}

func (m *Memory) PutSettings(ctx context.Context, guild string, s Settings) error {
	if err := m.lock("put settings"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	s.MentionChannels = slices.Clone(s.MentionChannels)
	if len(s.MentionChannels) == 0 {
		s.MentionChannels = nil
	}
	m.settings[guild] = s
	return nil
}

func (m *Memory) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	if err := m.lock("purge"); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	var n int64
	for id, a := range m.answers {
		if a.Created.Before(cutoff) {
			delete(m.answers, id)
			delete(m.votes, id)
			n++
		}
	}
	for msg, id := range m.messages {
		if m.answers[id] == nil {
			delete(m.messages, msg)
		}
	}
	kept := m.questions[:0]
	for _, q := range m.questions {
		if q.Time.Before(cutoff) {
			n++
			continue
		}
		kept = append(kept, q)
	}
	clear(m.questions[len(kept):])
	m.questions = kept
	return n, nil
}

// Notify delivers payload to this Memory's listeners on channel.
func (m *Memory) Notify(ctx context.Context, channel, payload string) error {
	if err := m.lock("notify"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	for _, ch := range m.listeners[channel] {
		select {
		case ch <- payload:
		default: // a listener that does not keep up misses notifications
		}
	}
	return nil
}

// Listen calls fn with each payload notified on channel until ctx is done or
// the Memory is closed.
func (m *Memory) Listen(ctx context.Context, channel string, fn func(string)) error {
	if err := m.lock("listen"); err != nil {
		return err
	}
	ch := make(chan string, 64)
	m.listeners[channel] = append(m.listeners[channel], ch)
	m.mu.Unlock()
	go func() {
		defer func() {
			m.mu.Lock()
			if !m.closed {
				m.listeners[channel] = slices.DeleteFunc(m.listeners[channel], func(c chan string) bool { return c == ch })
			}
			m.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case p, ok := <-ch:
				if !ok {
					return
				}
				fn(p)
			}
		}
	}()
	return nil
}

// Close ends the Memory's listeners; later calls return ErrClosed.
func (m *Memory) Close() error {
	if err := m.lock("close"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	m.closed = true
	for _, chs := range m.listeners {
		for _, ch := range chs {
			close(ch)
		}
	}
	m.listeners = nil
	return nil
}
