-- The first schema: what issue 14 keeps. Times are unix microseconds, UTC.

-- Keys the store keeps about itself, such as the user-hash key.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

-- Answers the bot has sent, for their buttons and reply follow-ups.
CREATE TABLE answers (
	id         TEXT PRIMARY KEY,
	question   TEXT NOT NULL,
	text       TEXT NOT NULL,
	citations  TEXT NOT NULL, -- JSON array of store.Citation
	mode       TEXT NOT NULL,
	refused    INTEGER NOT NULL,
	guild      TEXT NOT NULL,
	channel    TEXT NOT NULL,
	message_id TEXT NOT NULL,
	created    INTEGER NOT NULL
);
CREATE INDEX answers_created ON answers (created);

-- Discord messages that belong to an answer: the bot's reply, the user's
-- question, a thread started from either.
CREATE TABLE answer_messages (
	message_id TEXT PRIMARY KEY,
	answer_id  TEXT NOT NULL,
	created    INTEGER NOT NULL
);
CREATE INDEX answer_messages_answer ON answer_messages (answer_id);

-- One vote per user per answer; users only as a keyed hash.
CREATE TABLE votes (
	answer_id TEXT NOT NULL,
	user_hash TEXT NOT NULL,
	up        INTEGER NOT NULL,
	created   INTEGER NOT NULL,
	PRIMARY KEY (answer_id, user_hash)
);

-- Refused and downvoted questions, for /gaps.
CREATE TABLE question_log (
	id        INTEGER PRIMARY KEY,
	answer_id TEXT, -- NULL when the entry is not tied to an answer
	guild     TEXT NOT NULL,
	channel   TEXT NOT NULL,
	question  TEXT NOT NULL,
	reason    TEXT NOT NULL,
	time      INTEGER NOT NULL
);
CREATE UNIQUE INDEX question_log_once ON question_log (answer_id, reason) WHERE answer_id IS NOT NULL;
CREATE INDEX question_log_guild_time ON question_log (guild, time);

-- Each server's /settings.
CREATE TABLE settings (
	guild            TEXT PRIMARY KEY,
	mention_channels TEXT NOT NULL, -- JSON array; empty: every channel
	threads          INTEGER NOT NULL,
	no_question_log  INTEGER NOT NULL
);
