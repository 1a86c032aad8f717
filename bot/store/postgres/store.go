package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/summitbot/summitbot/bot/store"
)

// SaveAnswer writes the answer, replacing one under the same ID.
func (db *DB) SaveAnswer(ctx context.Context, a *store.Answer) error {
	if err := store.ValidateAnswer(a); err != nil {
		return err
	}
	end, err := db.begin("save answer")
	if err != nil {
		return err
	}
	defer end()
	if err := db.saveAnswer(ctx, a); err != nil {
		return fmt.Errorf("save answer %q: %w", a.ID, err)
	}
	return nil
}

func (db *DB) saveAnswer(ctx context.Context, a *store.Answer) error {
	b := &pgx.Batch{}
	if err := queueAnswer(b, a); err != nil {
		return err
	}
	// A batch runs in one implicit transaction.
	return db.pool.SendBatch(ctx, b).Close()
}

func queueAnswer(b *pgx.Batch, a *store.Answer) error {
	cites, err := store.EncodeList(a.Citations)
	if err != nil {
		return err
	}
	b.Queue(`INSERT INTO answers (id, question, text, citations, mode, refused, guild, channel, message_id, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET question = excluded.question, text = excluded.text,
			citations = excluded.citations, mode = excluded.mode, refused = excluded.refused,
			guild = excluded.guild, channel = excluded.channel, message_id = excluded.message_id,
			created = excluded.created`,
		a.ID, a.Question, a.Text, cites, a.Mode, a.Refused, a.Guild, a.Channel, a.MessageID, store.CreatedOrNow(a))
	if a.MessageID != "" {
		queueLink(b, a.ID, a.MessageID)
	}
	return nil
}

func queueLink(b *pgx.Batch, answerID, messageID string) {
	b.Queue(`INSERT INTO answer_messages (message_id, answer_id, created) VALUES ($1, $2, now())
		ON CONFLICT (message_id) DO UPDATE SET answer_id = excluded.answer_id`, messageID, answerID)
}

// LinkMessage records that messageID belongs to the answer under answerID.
func (db *DB) LinkMessage(ctx context.Context, answerID, messageID string) error {
	if answerID == "" || messageID == "" {
		return fmt.Errorf("link message %q to answer %q: empty id", messageID, answerID)
	}
	end, err := db.begin("link message")
	if err != nil {
		return err
	}
	defer end()
	b := &pgx.Batch{}
	queueLink(b, answerID, messageID)
	if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("link message %q to answer %q: %w", messageID, answerID, err)
	}
	return nil
}

const answerColumns = `a.id, a.question, a.text, a.citations, a.mode, a.refused, a.guild, a.channel, a.message_id, a.created`

func scanAnswer(row pgx.Row) (*store.Answer, error) {
	var (
		a     store.Answer
		cites []byte
		err   error
	)
	if err := row.Scan(&a.ID, &a.Question, &a.Text, &cites, &a.Mode, &a.Refused, &a.Guild, &a.Channel, &a.MessageID, &a.Created); err != nil {
		return nil, notFound(err)
	}
	if a.Citations, err = store.DecodeList[store.Citation](cites); err != nil {
		return nil, fmt.Errorf("citations: %w", err)
	}
	a.Created = a.Created.UTC()
	return &a, nil
}

// Answer returns the answer saved under id.
func (db *DB) Answer(ctx context.Context, id string) (*store.Answer, error) {
	end, err := db.begin("answer")
	if err != nil {
		return nil, err
	}
	defer end()
	a, err := scanAnswer(db.pool.QueryRow(ctx, `SELECT `+answerColumns+` FROM answers a WHERE a.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("answer %q: %w", id, err)
	}
	return a, nil
}

// AnswerByMessage returns the answer messageID belongs to.
func (db *DB) AnswerByMessage(ctx context.Context, messageID string) (*store.Answer, error) {
	end, err := db.begin("answer by message")
	if err != nil {
		return nil, err
	}
	defer end()
	a, err := scanAnswer(db.pool.QueryRow(ctx, `SELECT `+answerColumns+`
		FROM answer_messages m JOIN answers a ON a.id = m.answer_id WHERE m.message_id = $1`, messageID))
	if err != nil {
		return nil, fmt.Errorf("answer by message %q: %w", messageID, err)
	}
	return a, nil
}

// Vote records user's vote, under its keyed hash. Votes on one answer take
// turns (an advisory lock on the answer), so that two presses at once by
// the same user count once and the counts returned are exact.
func (db *DB) Vote(ctx context.Context, answerID, user string, up bool) (store.VoteResult, error) {
	if answerID == "" || user == "" {
		return store.VoteResult{}, fmt.Errorf("vote on %q: empty answer or user id", answerID)
	}
	end, err := db.begin("vote")
	if err != nil {
		return store.VoteResult{}, err
	}
	defer end()
	var r store.VoteResult
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		r = store.VoteResult{}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, answerID); err != nil {
			return err
		}
		hash := db.users.Hash(user)
		var prev bool
		switch err := tx.QueryRow(ctx, `SELECT up FROM votes WHERE answer_id = $1 AND user_hash = $2`, answerID, hash).Scan(&prev); {
		case err == nil:
			r.Repeat, r.Changed = prev == up, prev != up
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if !r.Repeat {
			if _, err := tx.Exec(ctx, `INSERT INTO votes (answer_id, user_hash, up, created) VALUES ($1, $2, $3, now())
				ON CONFLICT (answer_id, user_hash) DO UPDATE SET up = excluded.up, created = excluded.created`,
				answerID, hash, up); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE up), count(*) FILTER (WHERE NOT up) FROM votes WHERE answer_id = $1`,
			answerID).Scan(&r.Up, &r.Down)
	})
	if err != nil {
		return store.VoteResult{}, fmt.Errorf("vote on %q: %w", answerID, err)
	}
	return r, nil
}

// LogQuestion adds q to the question log, once per answer and reason.
func (db *DB) LogQuestion(ctx context.Context, q store.LoggedQuestion) error {
	if err := store.ValidateLoggedQuestion(q); err != nil {
		return err
	}
	end, err := db.begin("log question")
	if err != nil {
		return err
	}
	defer end()
	b := &pgx.Batch{}
	queueQuestion(b, q)
	if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("log question for %q: %w", q.Guild, err)
	}
	return nil
}

func queueQuestion(b *pgx.Batch, q store.LoggedQuestion) {
	var answerID *string
	if q.AnswerID != "" {
		answerID = &q.AnswerID
	}
	b.Queue(`INSERT INTO question_log (answer_id, guild, channel, question, reason, time)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		answerID, q.Guild, q.Channel, q.Question, string(q.Reason), store.OrNow(q.Time))
}

// WriteBatch applies ws in one transaction and one round trip: what
// store.Async does when writes queue up (one commit instead of one each).
func (db *DB) WriteBatch(ctx context.Context, ws []store.Write) error {
	end, err := db.begin("write batch")
	if err != nil {
		return err
	}
	defer end()
	b := &pgx.Batch{}
	for _, w := range ws {
		if err := store.ValidateWrite(w); err != nil {
			return err
		}
		switch {
		case w.Answer != nil:
			if err := queueAnswer(b, w.Answer); err != nil {
				return fmt.Errorf("write batch: answer %q: %w", w.Answer.ID, err)
			}
		case w.Link != nil:
			queueLink(b, w.Link.AnswerID, w.Link.MessageID)
		case w.Question != nil:
			queueQuestion(b, *w.Question)
		}
	}
	if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("write batch of %d: %w", len(ws), err)
	}
	return nil
}

// Questions returns guild's logged questions since since, oldest first.
func (db *DB) Questions(ctx context.Context, guild string, since time.Time) ([]store.LoggedQuestion, error) {
	end, err := db.begin("questions")
	if err != nil {
		return nil, err
	}
	defer end()
	rows, err := db.pool.Query(ctx, `SELECT coalesce(answer_id, ''), guild, channel, question, reason, time
		FROM question_log WHERE guild = $1 AND time >= $2 ORDER BY time, id`, guild, since)
	if err != nil {
		return nil, fmt.Errorf("questions of %q since %v: %w", guild, since, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.LoggedQuestion, error) {
		var q store.LoggedQuestion
		err := row.Scan(&q.AnswerID, &q.Guild, &q.Channel, &q.Question, &q.Reason, &q.Time)
		q.Time = q.Time.UTC()
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("questions of %q since %v: %w", guild, since, err)
	}
	return out, nil
}

// Settings returns guild's settings, the zero Settings when none were put.
func (db *DB) Settings(ctx context.Context, guild string) (store.Settings, error) {
	end, err := db.begin("settings")
	if err != nil {
		return store.Settings{}, err
	}
	defer end()
	var (
		s        store.Settings
		channels []byte
	)
	err = db.pool.QueryRow(ctx, `SELECT mention_channels, threads, no_question_log FROM settings WHERE guild = $1`,
		guild).Scan(&channels, &s.Threads, &s.NoQuestionLog)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.Settings{}, nil
	case err != nil:
		return store.Settings{}, fmt.Errorf("settings of %q: %w", guild, err)
	}
	if s.MentionChannels, err = store.DecodeList[string](channels); err != nil {
		return store.Settings{}, fmt.Errorf("settings of %q: mention channels: %w", guild, err)
	}
	return s, nil
}

// PutSettings replaces guild's settings.
func (db *DB) PutSettings(ctx context.Context, guild string, s store.Settings) error {
	end, err := db.begin("put settings")
	if err != nil {
		return err
	}
	defer end()
	channels, err := store.EncodeList(s.MentionChannels)
	if err != nil {
		return fmt.Errorf("put settings of %q: %w", guild, err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO settings (guild, mention_channels, threads, no_question_log)
		VALUES ($1, $2, $3, $4) ON CONFLICT (guild) DO UPDATE SET mention_channels = excluded.mention_channels,
			threads = excluded.threads, no_question_log = excluded.no_question_log`,
		guild, channels, s.Threads, s.NoQuestionLog); err != nil {
		return fmt.Errorf("put settings of %q: %w", guild, err)
	}
	return nil
}

// Purge removes answers (with their links and votes) and log entries from
// before cutoff; links and votes of answers never saved go once older than
// cutoff too.
func (db *DB) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	end, err := db.begin("purge")
	if err != nil {
		return 0, err
	}
	defer end()
	var n int64
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n = 0
		for _, q := range []struct {
			sql   string
			count bool // what Purge reports: answers and log entries
		}{
			{`DELETE FROM votes v WHERE v.answer_id IN (SELECT id FROM answers WHERE created < $1)
				OR (v.created < $1 AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.id = v.answer_id))`, false},
			{`DELETE FROM answer_messages m WHERE m.answer_id IN (SELECT id FROM answers WHERE created < $1)
				OR (m.created < $1 AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.id = m.answer_id))`, false},
			{`DELETE FROM answers WHERE created < $1`, true},
			{`DELETE FROM question_log WHERE time < $1`, true},
		} {
			tag, err := tx.Exec(ctx, q.sql, cutoff)
			if err != nil {
				return err
			}
			if q.count {
				n += tag.RowsAffected()
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge before %v: %w", cutoff, err)
	}
	return n, nil
}
