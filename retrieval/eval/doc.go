// Package eval measures any retrieval answerer on an eval set (recall, MRR,
// answer, lead-sentence and speaker accuracy, citation validity, refusals
// overall and per tag, chat messages handled, latency) and calibrates the
// evidence threshold below which questions are refused. Small-talk messages
// (tag chat) are scored only as chat: neither answerable nor unanswerable,
// and not seen by calibration.
//
// The shipped calibration, calibration.json, is embedded; the test
// TestShippedCalibrationIsCurrent fails when recalibrating would change it.
package eval
