package qa

// Exported for the tests of package qa_test, which read the embedded
// corpus's index (retrievaltest imports qa).
var (
	SpokenBy    = spokenBy
	Attribution = attribution
	ClaimsHeld  = (*Meaning).claimsHeld
	KindNear    = kindNear
)
