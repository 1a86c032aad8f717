package retrieval

import (
	"context"
	"errors"
)

// Generator writes text with a language model. Implementations live with
// their technology (package openai); a fake for tests is a few lines.
type Generator interface {
	// Generate returns the model's reply to p. When partial is not nil the
	// reply is streamed, and partial is called, from Generate's goroutine,
	// with all the text received so far each time more arrives.
	Generate(ctx context.Context, p Prompt, partial func(text string)) (string, error)
	// Model names the model, as reported in Answer.Model.
	Model() string
}

// Prompt is one request to a chat model: the standing instructions, and
// the user's turn (the passages, then the question).
type Prompt struct {
	System string
	User   string
}

// Errors a Generator reports, wrapped around the detail, so that an answer
// can say in a few words why the model was not used.
var (
	ErrModelTimeout     = errors.New("the model took too long to answer")
	ErrModelRateLimited = errors.New("the model is rate limited")
	ErrModelUnavailable = errors.New("the model could not be reached")
	ErrModelRejected    = errors.New("the model refused the request") // 4xx: a bad key, an unknown model
	// ErrModelMalformed is a reply that arrived whole but cannot be read:
	// not JSON, no choices. Another try would most likely read the same.
	ErrModelMalformed = errors.New("the model's reply could not be read")
)
