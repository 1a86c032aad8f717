// Package openaitest is a fake OpenAI-compatible server for tests: chat
// completions (JSON or server-sent events) scripted by the test, and
// embeddings computed by retrieval's offline embedder, so that retrieval
// over them is meaningful. It counts every request.
package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/summitbot/summitbot/retrieval/search"
)

// Server is a fake OpenAI API at URL + "/v1". Set its fields before the
// first request; read what it saw with the methods.
type Server struct {
	*httptest.Server

	// Chat answers /v1/chat/completions; the default replies "".
	// WriteReply, WriteStream and WriteError help write one.
	Chat func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest)

	// Embeddings: vectors of Dims dimensions (the offline embedder's,
	// scaled by 3 so that the client must normalize them), in reverse
	// order of input unless InOrder. DimsFor, if set, overrides the length
	// for one input (to send a wrong one). EmbedError, if set, answers
	// embeddings requests instead.
	Dims       int
	InOrder    bool
	DimsFor    func(input string) int
	EmbedError func(w http.ResponseWriter, n int) bool // n: the request's number, from 1

	mu       sync.Mutex
	chats    []goopenai.ChatCompletionRequest
	batches  [][]string
	embedder *search.LocalEmbedder
}

// New starts a fake server, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{Dims: 256}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// BaseURL is what a client's base URL should be.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v1/chat/completions":
		var req goopenai.ChatCompletionRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			WriteError(w, http.StatusBadRequest, "")
			return
		}
		s.mu.Lock()
		s.chats = append(s.chats, req)
		s.mu.Unlock()
		if s.Chat == nil {
			WriteReply(w, req, "")
			return
		}
		s.Chat(w, r, req)
	case "/v1/embeddings":
		s.embeddings(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Input) == 0 {
		WriteError(w, http.StatusBadRequest, "")
		return
	}
	s.mu.Lock()
	s.batches = append(s.batches, req.Input)
	n := len(s.batches)
	if s.embedder == nil {
		s.embedder = search.NewLocalEmbedder(s.Dims)
	}
	emb := s.embedder
	s.mu.Unlock()
	if s.EmbedError != nil && s.EmbedError(w, n) {
		return
	}
	vecs, err := emb.Embed(r.Context(), req.Input)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "")
		return
	}
	resp := goopenai.EmbeddingResponse{Object: "list", Model: goopenai.EmbeddingModel(req.Model)}
	for i, v := range vecs {
		if s.DimsFor != nil {
			if d := s.DimsFor(req.Input[i]); d > 0 && d != len(v) {
				v = make([]float32, d)
				v[0] = 1
			}
		}
		scaled := make([]float32, len(v))
		zero := true
		for j, x := range v {
			scaled[j] = 3 * x
			zero = zero && x == 0
		}
		if zero {
			scaled[i%len(scaled)] = 1 // a real model never returns the zero vector
		}
		resp.Data = append(resp.Data, goopenai.Embedding{Object: "embedding", Embedding: scaled, Index: i})
	}
	if !s.InOrder {
		for i, j := 0, len(resp.Data)-1; i < j; i, j = i+1, j-1 {
			resp.Data[i], resp.Data[j] = resp.Data[j], resp.Data[i]
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// ChatRequests returns the chat requests received so far.
func (s *Server) ChatRequests() []goopenai.ChatCompletionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]goopenai.ChatCompletionRequest(nil), s.chats...)
}

// EmbedBatches returns the inputs of each embeddings request so far.
func (s *Server) EmbedBatches() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]string(nil), s.batches...)
}

// EmbeddedTexts counts the texts embedded so far.
func (s *Server) EmbeddedTexts() int {
	n := 0
	for _, b := range s.EmbedBatches() {
		n += len(b)
	}
	return n
}

// WriteReply answers a chat request with text in one JSON response.
func WriteReply(w http.ResponseWriter, req goopenai.ChatCompletionRequest, text string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(goopenai.ChatCompletionResponse{
		ID: "chatcmpl-test", Object: "chat.completion", Model: req.Model,
		Choices: []goopenai.ChatCompletionChoice{{
			Message:      goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleAssistant, Content: text},
			FinishReason: goopenai.FinishReasonStop,
		}},
	})
}

// WriteStream answers a chat request with server-sent events, one per
// piece of text, then [DONE]. Each event is flushed, so that the client
// sees the pieces arrive one by one; before each piece after the first,
// wait (if not nil) is called, which lets a test step the stream.
func WriteStream(w http.ResponseWriter, req goopenai.ChatCompletionRequest, pieces []string, wait func(i int)) {
	w.Header().Set("Content-Type", "text/event-stream")
	f, _ := w.(http.Flusher)
	for i, p := range pieces {
		if i > 0 && wait != nil {
			wait(i)
		}
		data, _ := json.Marshal(goopenai.ChatCompletionStreamResponse{
			ID: "chatcmpl-test", Object: "chat.completion.chunk", Model: req.Model,
			Choices: []goopenai.ChatCompletionStreamChoice{{Delta: goopenai.ChatCompletionStreamChoiceDelta{Content: p}}},
		})
		fmt.Fprintf(w, "data: %s\n\n", data)
		if f != nil {
			f.Flush()
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// WriteError answers with an OpenAI-shaped error and, if retryAfter is not
// empty, a Retry-After header.
func WriteError(w http.ResponseWriter, status int, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"test_error"}}`, strings.ToLower(http.StatusText(status)))
}
