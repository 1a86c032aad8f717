package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord's windows for answering an interaction: the acknowledgement must
// come within ackWindow, and the token works for tokenWindow after that.
const (
	ackWindow   = 3 * time.Second
	tokenWindow = 15 * time.Minute
)

// Defaults for Config's RequestTimeout, RetryBackoff and RetryAttempts.
const (
	defaultRequestTimeout = 10 * time.Second
	defaultRetryBackoff   = 500 * time.Millisecond
	defaultRetryAttempts  = 5
	maxRetryBackoff       = 10 * time.Second
)

// reportTimeout bounds telling a user that their answer was lost once the
// handler's own context has ended (at shutdown, after the grace period);
// drain waits a little longer than this.
const reportTimeout = 4 * time.Second

// callPolicy says how hard a REST call tries.
type callPolicy struct {
	// deadline is when trying is pointless: the end of the interaction's
	// window. Zero means only the context bounds the call.
	deadline time.Time
	// retry sends the request again after a 5xx, a timeout or a dropped
	// connection, with a growing, jittered backoff; a 429 is always
	// retried after its retry_after, within the deadline.
	retry bool
	// callback marks an interaction callback: when a retry is answered
	// "already acknowledged", an earlier attempt got through, which is
	// success. (A PATCH is idempotent, and a message create carries a
	// nonce Discord enforces; see mention.go.)
	callback bool
	// about says, for the log, what the call is for: key/value pairs such
	// as "interaction", its ID.
	about []any
}

// callError is a REST call that failed for good.
type callError struct {
	attempts int
	err      error // a *requestError, or discordgo's error redacted
}

func (e *callError) Error() string {
	if e.attempts > 1 {
		return fmt.Sprintf("%v (gave up after %d attempts)", e.err, e.attempts)
	}
	return e.err.Error()
}

func (e *callError) Unwrap() error { return e.err }

// codeAlreadyAcknowledged is Discord's answer to a second callback.
const codeAlreadyAcknowledged = 40060

// call makes one REST call through do, which must pass the options it is
// given to discordgo. Each attempt is bounded by RequestTimeout. discordgo's
// own retries are turned off: it retries a 502 at once, without waiting,
// and sleeps through a 429 without looking at the context, which would
// hold shutdown up. The error it returns names what failed without any
// token (see requestError).
func (b *Bot) call(ctx context.Context, p callPolicy, do func(opts ...discordgo.RequestOption) error) error {
	backoff := b.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, b.cfg.RequestTimeout)
		if !p.deadline.IsZero() {
			actx, cancel = withDeadline(actx, cancel, p.deadline)
		}
		actx, rec := withRecord(actx)
		err := do(discordgo.WithContext(actx), discordgo.WithRestRetries(0), discordgo.WithRetryOnRatelimit(false))
		cancel()
		if err == nil {
			return nil
		}
		rerr := rec.err
		if rerr == nil {
			// Not an HTTP failure (say, a response that would not decode):
			// nothing a retry mends.
			return &callError{attempts: attempt, err: b.redact(err)}
		}
		if p.callback && attempt > 1 && rerr.status == http.StatusBadRequest && rerr.code == codeAlreadyAcknowledged {
			return nil
		}
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			return &callError{attempts: attempt, err: rerr}
		case rerr.status == http.StatusTooManyRequests:
			// Does not count as an attempt: Discord said when to come back.
			wait = max(rerr.retryAfter, 10*time.Millisecond)
			attempt--
		case p.retry && rerr.temporary() && attempt < b.cfg.RetryAttempts:
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(2*backoff, maxRetryBackoff)
		default:
			return &callError{attempts: attempt, err: rerr}
		}
		if !p.deadline.IsZero() && time.Now().Add(wait).After(p.deadline) {
			return &callError{attempts: attempt, err: fmt.Errorf("%w; no time left to retry", rerr)}
		}
		b.log.Warn("discord request failed; retrying", append(slices.Clip(p.about), "attempt", attempt, "wait", wait, "err", rerr)...)
		if err := sleep(ctx, wait); err != nil {
			return &callError{attempts: attempt, err: fmt.Errorf("%w; retry cancelled: %w", rerr, err)}
		}
	}
}

// withDeadline bounds ctx by deadline too, keeping both cancels.
func withDeadline(ctx context.Context, cancel context.CancelFunc, deadline time.Time) (context.Context, context.CancelFunc) {
	dctx, dcancel := context.WithDeadline(ctx, deadline)
	return dctx, func() { dcancel(); cancel() }
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// redact makes an error from discordgo safe to log (see apiTransport).
func (b *Bot) redact(err error) error {
	if b.api == nil {
		return err
	}
	return b.api.redactError(err)
}

// undelivered is a reply the bot could not deliver: the acknowledgement,
// the response, an edit that carries an answer, or a reply to a message.
type undelivered struct {
	stage string // acknowledgement, response, edit, reply
	what  string // the reply's title or first words, to say which was lost
	err   error
}

func (e *undelivered) Error() string { return fmt.Sprintf("deliver %s: %v", e.stage, e.err) }
func (e *undelivered) Unwrap() error { return e.err }

// summary says which reply m is: its first embed's title, or its text,
// shortened.
func summary(m message) string {
	s := m.content
	if len(m.embeds) > 0 && m.embeds[0].Title != "" {
		s = m.embeds[0].Title
	}
	return trimText(s, 100)
}

// lost logs a reply that could not be delivered and counts it, when err
// is one; it reports whether it was.
func (b *Bot) lost(err error, command string, attrs ...any) bool {
	var u *undelivered
	if !errors.As(err, &u) {
		return false
	}
	b.cfg.Metrics.answerLost(command, u.stage)
	attrs = append(attrs, "command", command, "stage", u.stage, "lost", u.what, "err", u.err)
	b.log.Error("answer lost", attrs...)
	return true
}

// editBucket is the rate-limit bucket of the edits of i's response.
// discordgo v0.29.0 puts every webhook message edit into one bucket
// (EndpointWebhookToken("", "") in WebhookMessageEdit) and holds it for the
// whole request, so one slow edit held up every other user's answer;
// Discord itself limits webhooks per token. The key names the
// interaction, not its token, which is a secret.
func (b *Bot) editBucket(i *discordgo.Interaction) string {
	if b.sharedEditBucket {
		return discordgo.EndpointWebhookToken("", "")
	}
	return "interaction-response:" + i.ID
}
