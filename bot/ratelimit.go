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
	// noticed is when each user was last told publicly that they ask too
	// fast.
	noticed map[string]time.Time
}

// noticeEvery is the least time between two public "you are asking
// faster" notices to one user.
const noticeEvery = time.Minute

// pruneAbove is how many users' buckets are kept before the full ones,
// which hold no information, are dropped.
const pruneAbove = 10000

func newUserLimiter(perMinute float64, burst int) *userLimiter {
	return &userLimiter{
		limit:   rate.Limit(perMinute / 60),
		burst:   burst,
		users:   make(map[string]*rate.Limiter),
		noticed: make(map[string]time.Time),
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

// noticeDue reports whether user may be told publicly, at now, that they
// ask too fast, and if so notes that they were.
func (l *userLimiter) noticeDue(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if last, ok := l.noticed[user]; ok && now.Sub(last) < noticeEvery {
		return false
	}
	if len(l.noticed) >= pruneAbove {
		for u, t := range l.noticed {
			if now.Sub(t) >= noticeEvery {
				delete(l.noticed, u)
			}
		}
	}
	l.noticed[user] = now
	return true
}
