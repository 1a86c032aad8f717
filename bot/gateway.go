package bot

import "github.com/bwmarrin/discordgo"

// Connected reports whether the gateway connection is up now. discordgo
// reconnects by itself after a drop; this is false meanwhile.
func (b *Bot) Connected() bool { return b.connected.Load() }

// gatewayUp notes a gateway connection: the first, or a reconnect.
func (b *Bot) gatewayUp() {
	b.connected.Store(true)
	b.cfg.Metrics.gateway(true, b.connects.Add(1) > 1)
}

// onDisconnect notes that the gateway connection went down, on a drop as on
// Close.
func (b *Bot) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	b.connected.Store(false)
	b.cfg.Metrics.gateway(false, false)
}
