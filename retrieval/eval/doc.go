// Package eval measures any retrieval answerer on an eval set (recall, MRR,
// answer accuracy, citation validity, refusals, latency) and calibrates the
// evidence threshold below which questions are refused.
//
// The shipped calibration, calibration.json, is embedded; the test
// TestShippedCalibrationIsCurrent fails when recalibrating would change it.
package eval
