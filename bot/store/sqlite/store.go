package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/summitbot/summitbot/bot/store"
)

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// SaveAnswer writes the answer, replacing one under the same ID.
func (db *DB) SaveAnswer(ctx context.Context, a *store.Answer) error {
	if err := store.ValidateAnswer(a); err != nil {
		return err
	}
	if err := db.check("save answer"); err != nil {
		return err
	}
	if err := db.saveAnswer(ctx, a); err != nil {
		return fmt.Errorf("save answer %q: %w", a.ID, err)
	}
	return nil
}

func (db *DB) saveAnswer(ctx context.Context, a *store.Answer) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return saveAnswer(ctx, tx, a) })
}

func saveAnswer(ctx context.Context, tx *sql.Tx, a *store.Answer) error {
	cites, err := store.EncodeList(a.Citations)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO answers
		(id, question, text, citations, mode, refused, guild, channel, message_id, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET question = excluded.question, text = excluded.text,
			citations = excluded.citations, mode = excluded.mode, refused = excluded.refused,
			guild = excluded.guild, channel = excluded.channel, message_id = excluded.message_id,
			created = excluded.created`,
		a.ID, a.Question, a.Text, cites, a.Mode, a.Refused, a.Guild, a.Channel, a.MessageID,
		micros(store.CreatedOrNow(a))); err != nil {
		return err
	}
	if a.MessageID != "" {
		return link(ctx, tx, a.ID, a.MessageID)
	}
	return nil
}

func link(ctx context.Context, tx *sql.Tx, answerID, messageID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO answer_messages (message_id, answer_id, created) VALUES (?, ?, ?)
		ON CONFLICT (message_id) DO UPDATE SET answer_id = excluded.answer_id`,
		messageID, answerID, micros(time.Now()))
	return err
}

// LinkMessage records that messageID belongs to the answer under answerID.
func (db *DB) LinkMessage(ctx context.Context, answerID, messageID string) error {
	if answerID == "" || messageID == "" {
		return fmt.Errorf("link message %q to answer %q: empty id", messageID, answerID)
	}
	if err := db.check("link message"); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error { return link(ctx, tx, answerID, messageID) })
	if err != nil {
		return fmt.Errorf("link message %q to answer %q: %w", messageID, answerID, err)
	}
	return nil
}

func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

const answerColumns = `a.id, a.question, a.text, a.citations, a.mode, a.refused, a.guild, a.channel, a.message_id, a.created`

func scanAnswer(row *sql.Row) (*store.Answer, error) {
	var (
		a       store.Answer
		cites   string
		created int64
	)
	if err := row.Scan(&a.ID, &a.Question, &a.Text, &cites, &a.Mode, &a.Refused, &a.Guild, &a.Channel, &a.MessageID, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	var err error
	if a.Citations, err = store.DecodeList[store.Citation]([]byte(cites)); err != nil {
		return nil, fmt.Errorf("citations: %w", err)
	}
	a.Created = fromMicros(created)
	return &a, nil
}

// Answer returns the answer saved under id.
func (db *DB) Answer(ctx context.Context, id string) (*store.Answer, error) {
	if err := db.check("answer"); err != nil {
		return nil, err
	}
	a, err := scanAnswer(db.read.QueryRowContext(ctx, `SELECT `+answerColumns+` FROM answers a WHERE a.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("answer %q: %w", id, err)
	}
	return a, nil
}

// AnswerByMessage returns the answer messageID belongs to.
func (db *DB) AnswerByMessage(ctx context.Context, messageID string) (*store.Answer, error) {
	if err := db.check("answer by message"); err != nil {
		return nil, err
	}
	a, err := scanAnswer(db.read.QueryRowContext(ctx, `SELECT `+answerColumns+`
		FROM answer_messages m JOIN answers a ON a.id = m.answer_id WHERE m.message_id = ?`, messageID))
	if err != nil {
		return nil, fmt.Errorf("answer by message %q: %w", messageID, err)
	}
	return a, nil
}

// Vote records user's vote, under its keyed hash.
func (db *DB) Vote(ctx context.Context, answerID, user string, up bool) (store.VoteResult, error) {
	if answerID == "" || user == "" {
		return store.VoteResult{}, fmt.Errorf("vote on %q: empty answer or user id", answerID)
	}
	if err := db.check("vote"); err != nil {
		return store.VoteResult{}, err
	}
	var r store.VoteResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		hash := db.users.Hash(user)
		var prev bool
		switch err := tx.QueryRowContext(ctx, `SELECT up FROM votes WHERE answer_id = ? AND user_hash = ?`, answerID, hash).Scan(&prev); {
		case err == nil:
			r.Repeat, r.Changed = prev == up, prev != up
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if !r.Repeat {
			if _, err := tx.ExecContext(ctx, `INSERT INTO votes (answer_id, user_hash, up, created) VALUES (?, ?, ?, ?)
				ON CONFLICT (answer_id, user_hash) DO UPDATE SET up = excluded.up, created = excluded.created`,
				answerID, hash, up, micros(time.Now())); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `SELECT coalesce(sum(up), 0), coalesce(sum(1 - up), 0) FROM votes WHERE answer_id = ?`,
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
	if err := db.check("log question"); err != nil {
		return err
	}
	if err := logQuestion(ctx, db.write, q); err != nil {
		return fmt.Errorf("log question for %q: %w", q.Guild, err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func logQuestion(ctx context.Context, db execer, q store.LoggedQuestion) error {
	var answerID sql.NullString
	if q.AnswerID != "" {
		answerID = sql.NullString{String: q.AnswerID, Valid: true}
	}
	_, err := db.ExecContext(ctx, `INSERT INTO question_log (answer_id, guild, channel, question, reason, time)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		answerID, q.Guild, q.Channel, q.Question, string(q.Reason), micros(store.OrNow(q.Time)))
	return err
}

// WriteBatch applies ws in one transaction: what store.Async does when
// writes queue up (one commit instead of one each).
func (db *DB) WriteBatch(ctx context.Context, ws []store.Write) error {
	if err := db.check("write batch"); err != nil {
		return err
	}
	if err := validate(ws); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, w := range ws {
			var err error
			switch {
			case w.Answer != nil:
				err = saveAnswer(ctx, tx, w.Answer)
			case w.Link != nil:
				err = link(ctx, tx, w.Link.AnswerID, w.Link.MessageID)
			case w.Question != nil:
				err = logQuestion(ctx, tx, *w.Question)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write batch of %d: %w", len(ws), err)
	}
	return nil
}

// Questions returns guild's logged questions since since, oldest first.
func (db *DB) Questions(ctx context.Context, guild string, since time.Time) ([]store.LoggedQuestion, error) {
	if err := db.check("questions"); err != nil {
		return nil, err
	}
	out, err := db.questions(ctx, guild, since)
	if err != nil {
		return nil, fmt.Errorf("questions of %q since %v: %w", guild, since, err)
	}
	return out, nil
}

func (db *DB) questions(ctx context.Context, guild string, since time.Time) ([]store.LoggedQuestion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT coalesce(answer_id, ''), guild, channel, question, reason, time
		FROM question_log WHERE guild = ? AND time >= ? ORDER BY time, id`, guild, micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LoggedQuestion
	for rows.Next() {
		var (
			q  store.LoggedQuestion
			at int64
		)
		if err := rows.Scan(&q.AnswerID, &q.Guild, &q.Channel, &q.Question, &q.Reason, &at); err != nil {
			return nil, err
		}
		q.Time = fromMicros(at)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Settings returns guild's settings, the zero Settings when none were put.
func (db *DB) Settings(ctx context.Context, guild string) (store.Settings, error) {
	if err := db.check("settings"); err != nil {
		return store.Settings{}, err
	}
	var (
		s        store.Settings
		channels string
	)
	err := db.read.QueryRowContext(ctx, `SELECT mention_channels, threads, no_question_log FROM settings WHERE guild = ?`,
		guild).Scan(&channels, &s.Threads, &s.NoQuestionLog)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Settings{}, nil
	case err != nil:
		return store.Settings{}, fmt.Errorf("settings of %q: %w", guild, err)
	}
	if s.MentionChannels, err = store.DecodeList[string]([]byte(channels)); err != nil {
		return store.Settings{}, fmt.Errorf("settings of %q: mention channels: %w", guild, err)
	}
	return s, nil
}

// PutSettings replaces guild's settings.
func (db *DB) PutSettings(ctx context.Context, guild string, s store.Settings) error {
	if err := db.check("put settings"); err != nil {
		return err
	}
	channels, err := store.EncodeList(s.MentionChannels)
	if err != nil {
		return fmt.Errorf("put settings of %q: %w", guild, err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO settings (guild, mention_channels, threads, no_question_log)
		VALUES (?, ?, ?, ?) ON CONFLICT (guild) DO UPDATE SET mention_channels = excluded.mention_channels,
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
	if err := db.check("purge"); err != nil {
		return 0, err
	}
	var n int64
	c := micros(cutoff)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, q := range []struct {
			sql   string
			count bool // what Purge reports: answers and log entries
		}{
			{`DELETE FROM votes WHERE answer_id IN (SELECT id FROM answers WHERE created < ?1)
				OR (created < ?1 AND answer_id NOT IN (SELECT id FROM answers))`, false},
			{`DELETE FROM answer_messages WHERE answer_id IN (SELECT id FROM answers WHERE created < ?1)
				OR (created < ?1 AND answer_id NOT IN (SELECT id FROM answers))`, false},
			{`DELETE FROM answers WHERE created < ?1`, true},
			{`DELETE FROM question_log WHERE time < ?1`, true},
		} {
			res, err := tx.ExecContext(ctx, q.sql, c)
			if err != nil {
				return err
			}
			if q.count {
				k, err := res.RowsAffected()
				if err != nil {
					return err
				}
				n += k
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge before %v: %w", cutoff, err)
	}
	return n, nil
}

func validate(ws []store.Write) error {
	for _, w := range ws {
		if err := store.ValidateWrite(w); err != nil {
			return err
		}
	}
	return nil
}
