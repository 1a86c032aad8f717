package eval_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
)

// TestReadCalibrationRejectsStaleRanker: a calibration whose ranker was
// fitted on other features (written by another version) is refused with
// the command that writes a current one, and one without a ranker (written
// before there was one) still loads and ranks by the hand weights.
func TestReadCalibrationRejectsStaleRanker(t *testing.T) {
	shipped, err := eval.DefaultCalibration()
	if err != nil {
		t.Fatal(err)
	}
	if shipped.Modes[retrieval.Hybrid].Ranker == nil {
		t.Fatal("the shipped calibration has no ranker")
	}
	edit := func(change func(m map[string]any)) []byte {
		data, err := json.Marshal(shipped)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		change(doc["modes"].(map[string]any)[string(retrieval.Hybrid)].(map[string]any))
		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	stale := edit(func(m map[string]any) {
		r := m["ranker"].(map[string]any)
		names := r["features"].([]any)
		names[len(names)-1] = "a_feature_of_old"
	})
	_, err = eval.ReadCalibration(bytes.NewReader(stale))
	if err == nil || !strings.Contains(err.Error(), "sentence ranker") || !strings.Contains(err.Error(), "--write-calibration") {
		t.Errorf("stale ranker: error %v, want one naming the sentence ranker and --write-calibration", err)
	}

	old := edit(func(m map[string]any) { delete(m, "ranker"); delete(m, "ranker_cv") })
	cal, err := eval.ReadCalibration(bytes.NewReader(old))
	if err != nil {
		t.Fatalf("a calibration without a ranker: %v", err)
	}
	if c := cal.For(retrieval.Hybrid); c.Ranker != nil || c.Model == nil {
		t.Errorf("a calibration without a ranker gives ranker %v, judge %v; want none and the judge", c.Ranker, c.Model)
	}
}
