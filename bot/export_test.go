package bot

// UseSharedEditBucket makes b edit interaction responses in discordgo's one
// shared rate-limit bucket, as the bot did before editBucket, so that a
// test can measure both in one run.
func UseSharedEditBucket(b *Bot) { b.sharedEditBucket = true }
