// Package eval measures any retrieval answerer on an eval set (recall, MRR,
// answer, lead-sentence and speaker accuracy, citation validity, refusals
// overall and per tag, chat messages handled, latency) and calibrates the
// answerer: the sentence ranker (rankfit.go), then the evidence threshold
// below which questions are refused and the answerability model
// (judgefit.go), fitted on the set and reported with 10-fold
// cross-validation (each held-out question ranked by a ranker fitted
// without it) and an ablation. Small-talk messages
// (tag chat) are scored only as chat: neither answerable nor unanswerable,
// and not seen by calibration.
//
// The shipped calibration, calibration.json, is embedded; the test
// TestShippedCalibrationIsCurrent fails when recalibrating would change it.
package eval
