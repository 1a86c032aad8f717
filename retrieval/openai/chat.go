package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/summitbot/summitbot/retrieval"
)

// Chat writes answers with a chat model. It implements retrieval.Generator
// and is safe for concurrent use.
type Chat struct {
	cfg       Config
	client    *goopenai.Client
	maxTokens int
}

// NewChat returns a Chat for cfg. maxTokens bounds the length of a reply
// (and so its cost); 0 leaves it to the server.
func NewChat(cfg Config, maxTokens int) *Chat {
	return &Chat{cfg: cfg, client: newClient(cfg), maxTokens: maxTokens}
}

// Model implements retrieval.Generator.
func (c *Chat) Model() string { return c.cfg.Model }

// Generate implements retrieval.Generator. With partial set it streams the
// reply (server-sent events); a stream that fails after text has arrived
// is not retried, since the user may already have seen that text.
func (c *Chat) Generate(ctx context.Context, p retrieval.Prompt, partial func(string)) (string, error) {
	req := goopenai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: p.System},
			{Role: goopenai.ChatMessageRoleUser, Content: p.User},
		},
		MaxCompletionTokens: c.maxTokens,
	}
	var text string
	op := "chat " + c.cfg.Model
	err := c.cfg.do(ctx, op, func(ctx context.Context) error {
		var err error
		if partial == nil {
			text, err = c.complete(ctx, req)
		} else {
			text, err = c.stream(ctx, req, partial)
		}
		return err
	})
	return text, err
}

func (c *Chat) complete(ctx context.Context, req goopenai.ChatCompletionRequest) (string, error) {
	resp, err := c.client.CreateChatCompletion(ctx, req)
	if err != nil {
		if replyRead(ctx) && !isAPIError(err) {
			// The whole body arrived and could not be decoded: the
			// server answered, badly.
			return "", malformed(err)
		}
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", malformed(errors.New("the reply has no choices"))
	}
	return resp.Choices[0].Message.Content, nil
}

func (c *Chat) stream(ctx context.Context, req goopenai.ChatCompletionRequest, partial func(string)) (string, error) {
	s, err := c.client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", err
	}
	defer s.Close()
	var b strings.Builder
	for {
		resp, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			if isDecodeError(err) {
				return "", malformed(err)
			}
			if b.Len() > 0 {
				return "", final{fmt.Errorf("stream broke after %d bytes: %w", b.Len(), err)}
			}
			return "", err
		}
		if len(resp.Choices) == 0 || resp.Choices[0].Delta.Content == "" {
			continue
		}
		b.WriteString(resp.Choices[0].Delta.Content)
		partial(b.String())
	}
}

// malformed marks a reply that arrived but cannot be read. It is not
// retried: the server is up, and would most likely answer the same.
func malformed(err error) error {
	return final{fmt.Errorf("%w: %w", retrieval.ErrModelMalformed, err)}
}

func isAPIError(err error) bool {
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	return errors.As(err, &apiErr) || errors.As(err, &reqErr)
}

// isDecodeError reports whether err is the JSON decoder's complaint about
// an event of a stream (the connection itself worked).
func isDecodeError(err error) bool {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syn) || errors.As(err, &typ)
}
