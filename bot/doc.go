// Package bot is summitbot's Discord front end: slash commands, mentions
// and threads, answered from a retrieval engine it is handed.
//
// # Code overview
//
// bot.go holds Config, the small interfaces the bot needs (Answerer,
// Library, Reloader, together Engine; *retrieval.Engine implements them)
// and Bot: the bot never sees an index and runs no search of its own. New
// checks the configuration, Run opens the discordgo session through APITransport
// (transport.go), registers the commands (commands.go) with one bulk
// overwrite, serves until its context ends, then stops taking new work,
// waits for answers in flight up to the shutdown grace period and closes
// the gateway.
//
// Events run in discordgo's read loop (SyncEvents), which hands each to a
// goroutine counted in a WaitGroup, so that shutdown knows what is in
// flight. interaction.go routes interactions; ask.go answers /ask, renders
// answers as embeds and handles their buttons (Show passages, 👍 / 👎);
// sources.go holds /sources, /source and its autocomplete; reload.go the
// moderators' /reload; gaps.go, settings.go and article.go their /gaps,
// /settings and /article; help.go /help; mention.go questions asked by
// mention, in DMs, in threads and in replies to the bot (a reply needs no
// mention). reply.go sends every message
// with allowed mentions set to none, maps failures to a short message with
// an error id, and logs one line per interaction. rest.go makes every REST
// call: each attempt bounded, 5xx, timeouts and dropped connections
// retried with a jittered backoff within the interaction's window, 429s
// honoured, each interaction's edits in a rate-limit bucket of their own,
// and a reply lost for good logged as "answer lost" and counted; the
// transport (transport.go) describes each failed request without its
// token and under the configured API URL. limits.go keeps messages
// inside Discord's limits, trimming at sentence boundaries and never inside
// a [n] marker; ratelimit.go is the per-user question allowance;
// answers.go keeps the answers in Config.Store (bot/store; a store.Memory
// when nil) for their buttons, votes and follow-ups, across restarts with a
// real store, and logs refused and 👎 questions for /gaps; notify.go tells
// other shards sharing the store that the corpus changed, and reloads when
// they say so.
//
// # Testing
//
// The tests run the real discordgo client against discordtest, a fake
// Discord (REST and gateway) kept in this repository, and wait on the REST
// calls it records rather than sleeping; rest_test.go injects its faults
// (5xx, hung and dropped calls, lost responses, 429s, latency), and every
// test checks its log for the bot token and every interaction token. Most share one engine over the
// embedded articles; reload tests copy the articles to a temporary
// directory and build their own. TestLoad sends 200 questions from 50
// users and logs acknowledgement and answer latencies, with the store off
// and on; TestMain fails the run if any goroutine is left behind. The
// store's own conformance suite is bot/store/storetest; the restart,
// SIGTERM and two-shard tests run summitbot serve as processes
// (cmd/summitbot/persist_test.go).
package bot
