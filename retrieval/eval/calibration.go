package eval

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

// Calibration holds the evidence thresholds below which a question is
// refused, one per retrieval mode, with each mode's fitted sentence ranker
// and answerability judge. They are not picked by hand: `summitbot
// eval --write-calibration FILE` measures the evidence of every question of
// the eval set and chooses, for each mode, the threshold that answers the
// most answerable questions and refuses the most unanswerable ones. The
// shipped result is kept in calibration.json beside this file and embedded;
// TestShippedCalibrationIsCurrent fails when it no longer matches what
// calibrating the current corpus and eval set gives.
type Calibration struct {
	Embedder   string                             `json:"embedder"`    // the embedder the thresholds were measured with
	EvalSHA256 string                             `json:"eval_sha256"` // of the eval set they were measured on
	Modes      map[retrieval.Mode]ModeCalibration `json:"modes"`
}

// ModeCalibration is the threshold of one retrieval mode and how well it
// separated the eval set, and the fitted sentence ranker and answerability
// judge of the mode with their cross-validated figures.
type ModeCalibration struct {
	Ranker       *qa.Ranker   `json:"ranker,omitempty"`
	RankerCV     *RankerCV    `json:"ranker_cv,omitempty"`
	Judge        *qa.Logistic `json:"judge,omitempty"`
	CV           *JudgeCV     `json:"cv,omitempty"`
	Threshold    float64      `json:"threshold"`
	Answerable   int          `json:"answerable"`   // questions with an answer in the articles
	Unanswerable int          `json:"unanswerable"` // questions without
	Answered     int          `json:"answered"`     // answerable questions at or above the threshold
	Refused      int          `json:"refused"`      // unanswerable questions below it
}

//go:embed calibration.json
var calibrationJSON []byte

// DefaultCalibration returns the calibration shipped with the binary.
func DefaultCalibration() (*Calibration, error) {
	c, err := ReadCalibration(bytes.NewReader(calibrationJSON))
	if err != nil {
		return nil, fmt.Errorf("embedded calibration: %w", err)
	}
	return c, nil
}

// ReadCalibration decodes a calibration file.
func ReadCalibration(r io.Reader) (*Calibration, error) {
	var c Calibration
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("read calibration: %w", err)
	}
	for _, m := range retrieval.Modes {
		mc, ok := c.Modes[m]
		if !ok {
			return nil, fmt.Errorf("read calibration: no threshold for mode %q", m)
		}
		if mc.Ranker != nil {
			if err := mc.Ranker.Check(); err != nil {
				return nil, fmt.Errorf("read calibration: mode %q: %w; run summitbot eval --write-calibration again", m, err)
			}
		}
		if mc.Judge != nil {
			if err := mc.Judge.Check(); err != nil {
				return nil, fmt.Errorf("read calibration: mode %q: %w; run summitbot eval --write-calibration again", m, err)
			}
		}
	}
	return &c, nil
}

// For returns what the answer pipeline of mode m needs: its threshold, its
// fitted judge (none when uncalibrated, which refuses nothing) and its
// fitted sentence ranker (none: the hand weights).
func (c *Calibration) For(m retrieval.Mode) qa.Calibration {
	if c == nil {
		return qa.Calibration{}
	}
	mc := c.Modes[m]
	return qa.Calibration{Threshold: mc.Threshold, Model: mc.Judge, Ranker: mc.Ranker}
}

// Threshold returns the refusal threshold of a mode (0 when uncalibrated,
// which refuses nothing).
func (c *Calibration) Threshold(m retrieval.Mode) float64 {
	if c == nil {
		return 0
	}
	return c.Modes[m].Threshold
}

// Observation is the evidence one eval question produced, and whether the
// articles answer it.
type Observation struct {
	Evidence   float64
	Answerable bool
	// For fitting the judge: the features it weighed (nil when none), the
	// question's refusal tag, and whether an answer would be right (the
	// answer holds a gold alias), its lead sentence too.
	Features    []float64
	Refused     bool // refused before the judge weighed anything (no features)
	Tag         string
	Correct     bool
	LeadCorrect bool

	// For fitting the ranker, of an answerable question observed with
	// its candidates: the candidates, whether each holds a gold alias,
	// and how many sentences the answer quoted.
	candidates []qa.Candidate
	holds      []bool
	quoted     int
	// speaker: the question asks what someone said; speakerCorrect: the
	// answer's lead sentence is attributed to them.
	speaker, speakerCorrect bool
	// id is the question's id, which chooses its fold (folds).
	id string
}

// CalibrateThreshold chooses the evidence threshold that classifies the most
// observations correctly: answerable ones at or above it, unanswerable ones
// below it. Among equally good thresholds it takes the middle of the widest
// gap between observed evidence values, so that the threshold sits as far as
// possible from the questions on either side.
func CalibrateThreshold(obs []Observation) ModeCalibration {
	values := make([]float64, 0, len(obs)+2)
	values = append(values, 0, 1.000001)
	for _, o := range obs {
		values = append(values, o.Evidence)
	}
	slices.Sort(values)
	values = slices.Compact(values)

	var best ModeCalibration
	bestCorrect, bestGap := -1, -1.0
	for i := 0; i+1 < len(values); i++ {
		t := (values[i] + values[i+1]) / 2
		if i == 0 {
			t = values[0] // refuse nothing
		}
		m := ModeCalibration{Threshold: t}
		for _, o := range obs {
			switch {
			case o.Answerable:
				m.Answerable++
				if o.Evidence >= t {
					m.Answered++
				}
			default:
				m.Unanswerable++
				if o.Evidence < t {
					m.Refused++
				}
			}
		}
		correct, gap := m.Answered+m.Refused, values[i+1]-values[i]
		if correct > bestCorrect || correct == bestCorrect && gap > bestGap {
			best, bestCorrect, bestGap = m, correct, gap
		}
	}
	return best
}

// EvalSetHash identifies the content of an eval set, so that a calibration
// can say which questions it was measured on.
func EvalSetHash(set *corpus.EvalSet) string {
	data, _ := json.Marshal(set) // plain structs of strings: cannot fail
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
