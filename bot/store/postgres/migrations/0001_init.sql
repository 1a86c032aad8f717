-- The first schema: what issue 14 keeps.

-- Keys the store keeps about itself, such as the user-hash key.
CREATE TABLE meta (
	key   text PRIMARY KEY,
	value bytea NOT NULL
);

-- Answers the bot has sent, for their buttons and reply follow-ups.
CREATE TABLE answers (
	id         text PRIMARY KEY,
	question   text NOT NULL,
	text       text NOT NULL,
	citations  jsonb NOT NULL, -- array of store.Citation
	mode       text NOT NULL,
	refused    boolean NOT NULL,
	guild      text NOT NULL,
	channel    text NOT NULL,
	message_id text NOT NULL,
	created    timestamptz NOT NULL
);
CREATE INDEX answers_created ON answers (created);

-- Discord messages that belong to an answer: the bot's reply, the user's
-- question, a thread started from either.
CREATE TABLE answer_messages (
	message_id text PRIMARY KEY,
	answer_id  text NOT NULL,
	created    timestamptz NOT NULL
);
CREATE INDEX answer_messages_answer ON answer_messages (answer_id);

-- One vote per user per answer; users only as a keyed hash.
CREATE TABLE votes (
	answer_id text NOT NULL,
	user_hash text NOT NULL,
	up        boolean NOT NULL,
	created   timestamptz NOT NULL,
	PRIMARY KEY (answer_id, user_hash)
);

-- Refused and downvoted questions, for /gaps.
CREATE TABLE question_log (
	id        bigserial PRIMARY KEY,
	answer_id text, -- NULL when the entry is not tied to an answer
	guild     text NOT NULL,
	channel   text NOT NULL,
	question  text NOT NULL,
	reason    text NOT NULL,
	time      timestamptz NOT NULL
);
CREATE UNIQUE INDEX question_log_once ON question_log (answer_id, reason) WHERE answer_id IS NOT NULL;
CREATE INDEX question_log_guild_time ON question_log (guild, time);

-- Each server's /settings.
CREATE TABLE settings (
	guild            text PRIMARY KEY,
	mention_channels jsonb NOT NULL, -- array; empty: every channel
	threads          boolean NOT NULL,
	no_question_log  boolean NOT NULL
);
