// Package discordtest is a fake Discord for tests: one httptest server that
// answers the REST API under /api/v9/ and /api/v10/ and speaks the gateway
// (Hello, Identify, READY, heartbeats, Resume) on a websocket, so that the
// real discordgo client can be driven end to end without reaching Discord.
//
// A test dispatches events (SendInteraction with the SlashCommand,
// Autocomplete and ButtonPress builders, SendMessage, Dispatch) and waits
// for the REST calls the bot makes in answer (WaitFor with Match, or any
// func(Call) bool). The fake enforces Discord's message limits and the
// interaction protocol (one acknowledgement, @original edits, follow-ups),
// and records every call with its request and response bodies.
//
// Faults (faults.go) give Discord's bad moments on demand, per route: a
// 5xx for the next n calls (FailNext), calls held until the client gives
// up (HangNext), connections closed without an answer (DropNext), calls
// carried out whose answer is lost (LoseResponseNext), 429s with
// retry_after (RateLimitMatching, RateLimitNext), and latency on every
// matching call (SetLatency, the Latency option).
//
// discordgo reconnects by itself when the gateway drops, and keeps trying
// forever: close the bot's session before the fake (register its Close
// after New, as cleanups run last first), and only after WaitConnected
// says its connection heartbeats.
package discordtest
