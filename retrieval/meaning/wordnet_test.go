package meaning

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
)

func TestEmbeddedWordNetChecksum(t *testing.T) {
	want, err := os.ReadFile("data/wordnet.bin.sha256")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(embeddedWordNet)
	if got := hex.EncodeToString(sum[:]) + "  wordnet.bin\n"; got != string(want) {
		t.Fatalf("embedded wordnet sha256 %q, generator wrote %q", got, want)
	}
}

func TestRelated(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want Relation
	}{
		{"limousine", "car", Hypernym},
		{"cars", "limousines", Hyponym},
		{"ammunition", "shells", Hyponym},
		{"gift", "present", Synonym},
		{"weapons", "artillery", Synonym},
		{"arrived", "left", Antonym},
		{"come", "go", Antonym},
		{"sell", "buy", Antonym},
		{"arrive", "arrival", Derivation},
		{"met", "meet", Same},
		{"shells", "shell", Same},
		{"car", "banana", None},
		{"vehicle", "limousine", None}, // five levels apart; only direct hypernyms are kept
		{"vostochny", "cosmodrome", None},
	} {
		if got := Related(c.a, c.b); got != c.want {
			t.Errorf("Related(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if _, err := LoadRelations(Default(), embeddedWordNet[:100]); err == nil {
		t.Error("LoadRelations accepted a truncated table")
	}
}

// Word pairs a paraphrase must bridge to find its sentence, and pairs it must
// not. MEASURED.md reports what WordNet adds to cosine on them.
var (
	wantBridged = [][2]string{
		{"vehicle", "limousine"}, {"car", "limousine"}, {"automobile", "limousine"}, {"train", "railway"},
		{"arrive", "depart"}, {"arrived", "left"}, {"weapon", "munitions"}, {"weapons", "shells"}, {"weapons", "artillery"},
		{"ammunition", "shells"}, {"rocket", "spacecraft"}, {"meet", "summit"}, {"talk", "negotiations"},
		{"leader", "president"}, {"transport", "train"}, {"vehicle", "train"}, {"travel", "journey"},
		{"trip", "visit"}, {"gift", "present"}, {"plane", "aircraft"}, {"fight", "war"}, {"agreement", "deal"},
		{"nation", "country"}, {"troops", "soldiers"}, {"army", "military"}, {"buy", "purchase"}, {"sell", "buy"},
		{"help", "assist"}, {"space", "cosmodrome"}, {"base", "cosmodrome"}, {"launch", "rocket"}, {"satellite", "spacecraft"},
		{"weapon", "missile"}, {"ship", "boat"}, {"penalties", "sanctions"}, {"ally", "partner"}, {"hotel", "accommodation"},
		{"food", "dinner"}, {"meal", "banquet"}, {"drink", "wine"}, {"speak", "said"}, {"start", "began"},
		{"end", "finished"}, {"win", "lose"}, {"friend", "enemy"}, {"peace", "war"}, {"come", "go"},
	}
	wantApart = [][2]string{
		{"car", "banana"}, {"train", "pancake"}, {"mountain", "rocket"}, {"weapon", "guitar"}, {"summit", "mountain"},
		{"cup", "weapons"}, {"spider", "leader"}, {"sky", "rocket"}, {"netflix", "train"}, {"recipe", "talks"},
		{"capital", "moscow"}, {"world", "russia"}, {"earth", "space"}, {"swift", "fast"}, {"blue", "sky"},
		{"guitar", "music"}, {"mountain", "peak"}, {"pancakes", "food"}, {"football", "weapons"}, {"weather", "artillery"},
		{"dating", "meeting"}, {"series", "talks"}, {"legs", "trip"}, {"segfault", "error"}, {"cost", "price"},
	}
)

// TestWordNetBridges measures, at cosine thresholds 0.5 and 0.6, how many
// pairs cosine alone bridges and how many cosine or a WordNet relation
// bridges, and how many opposites cosine cannot tell from synonyms.
func TestWordNetBridges(t *testing.T) {
	tb := Default()
	for _, tau := range []float64{0.5, 0.6} {
		for _, set := range []struct {
			name  string
			pairs [][2]string
		}{{"wanted", wantBridged}, {"unwanted", wantApart}} {
			cos, with := 0, 0
			var gained []string
			for _, p := range set.pairs {
				c, r := tb.Similarity(p[0], p[1]), Related(p[0], p[1])
				if c >= tau {
					cos++
				}
				if c >= tau || r != None {
					with++
				}
				if c < tau && r != None {
					gained = append(gained, fmt.Sprintf("%s~%s (%v, cos %.2f)", p[0], p[1], r, c))
				}
			}
			t.Logf("cos ≥ %.1f, %s pairs (%d): cosine %d, cosine or WordNet %d; WordNet only: %v", tau, set.name, len(set.pairs), cos, with, gained)
			if set.name == "wanted" && with <= cos {
				t.Errorf("WordNet bridged no wanted pair at %.1f", tau)
			}
		}
	}
	for _, p := range wantBridged {
		if Related(p[0], p[1]) == Antonym {
			t.Logf("antonym %s~%s: cosine %.2f", p[0], p[1], tb.Similarity(p[0], p[1]))
		}
	}
}

func BenchmarkRelated(b *testing.B) {
	r := DefaultRelations()
	for b.Loop() {
		r.Related("limousines", "car")
	}
}

func TestProperName(t *testing.T) {
	r := DefaultRelations()
	for w, want := range map[string]bool{
		"australia": true, "australians": true, "tolstoy": true, "wednesday": true, "canada": true,
		"china": false, // also porcelain
		"moon":  false, // also a month
		"guest": false, // a lemma itself, not only an inflection of the name "Gue"
		"sat":   false, // "Sat" (Saturday), but also the past of "sit"
		"car":   false,
		"zzzq":  false, // not in the table
	} {
		if got := r.ProperName(w); got != want {
			t.Errorf("ProperName(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestOrdinary(t *testing.T) {
	r := DefaultRelations()
	for w, want := range map[string]bool{
		"anywhere": true, "whip": true, "limousines": true, "china": true, // porcelain too
		"australia": false, "tolstoy": false, // only names
		"biden": false, // not in WordNet 3.0
		"zzzq":  false, // not in the table
	} {
		if got := r.Ordinary(w); got != want {
			t.Errorf("Ordinary(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestBaseForm(t *testing.T) {
	r := DefaultRelations()
	for w, want := range map[string]string{
		"met": "meet", "took": "take", "flew": "fly", "missiles": "missile", "is": "be",
		"putin": "", "train": "", "news": "", // their own base form, or none WordNet knows
		"forest": "", "said": "", "men": "", // base forms themselves ("fore" + "-est"; the adjective; WordNet's "Men")
	} {
		got, ok := r.BaseForm(w)
		if got != want || ok != (want != "") {
			t.Errorf("BaseForm(%q) = %q, %v; want %q", w, got, ok, want)
		}
	}
}
