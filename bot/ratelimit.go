package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// userLimiter bounds how many questions each user may ask: a token bucket
// per user, refilled at perMinute/60 a second and holding burst.
type userLimiter struct {
	limit rate.Limit
	burst int

	mu    sync.Mutex
	users map[string]*rate.Limiter
}

// pruneAbove is how many users' buckets are kept before the full ones,
// which hold no information, are dropped.
const pruneAbove = 10000

func newUserLimiter(perMinute float64, burst int) *userLimiter {
	return &userLimiter{
		limit: rate.Limit(perMinute / 60),
		burst: burst,
		users: make(map[string]*rate.Limiter),
	}
}

// wait takes one question from user's bucket and returns 0, or, when the
// bucket is empty, takes nothing and returns how long until it would allow
// one: the delay of a reservation, which is then cancelled.
func (l *userLimiter) wait(user string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.users[user]
	if lim == nil {
		if len(l.users) >= pruneAbove {
			l.pruneLocked(now)
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.users[user] = lim
	}
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return time.Hour // cannot happen with burst >= 1
	}
	d := r.DelayFrom(now)
	if d > 0 {
		r.CancelAt(now)
	}
	return d
}

// pruneLocked forgets users whose bucket has refilled.
func (l *userLimiter) pruneLocked(now time.Time) {
	for u, lim := range l.users {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.users, u)
		}
	}
}
