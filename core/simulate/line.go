package simulate

import (
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/internal/strict"
)

// Line is one claim of a year to replay: a settle request (the engine's, so a file
// of the requests a county's hospitals sent is a claims file as it is) with, besides,
// the township and household of the person, which the county server takes from its
// registry and a simulation reports by. A claims file holds one Line per line (JSON
// lines); the policy and version name the scheme the claim was settled under, the
// baseline when no other is given.
type Line struct {
	Schema  int         `json:"schema"`
	Policy  string      `json:"policy"`
	Version string      `json:"version,omitempty"`
	Claim   claim.Claim `json:"claim"`
	// Lang and Profile, which a settle request may carry, change no figure and are
	// ignored.
	Lang    string `json:"lang,omitempty"`
	Profile string `json:"profile,omitempty"`
	// Township and Household are the registry's codes for the person, "" when not
	// known.
	Township  string `json:"township,omitempty"`
	Household string `json:"household,omitempty"`
}

// DecodeLine reads one line strictly: unknown members, trailing data and float
// amounts are errors, as the codec reports them.
func DecodeLine(b []byte, l *Line) error {
	if scanLine(b, l) {
		return nil
	}
	*l = Line{}
	return codec.Decode(b, l)
}

// scanLine reads a line on the strict fast path (core/internal/strict), as the
// engine reads its settle requests: most lines are plain JSON it accepts, and for any
// other it reports false, for the codec to decode the line or report its errors.
func scanLine(b []byte, l *Line) bool {
	if len(b) > codec.MaxRequest {
		return false
	}
	rd := strict.NewReader(b)
	rd.Object(func(name []byte) int {
		switch string(name) {
		case "schema":
			l.Schema = rd.Int()
			return 0
		case "policy":
			l.Policy = rd.String()
			return 1
		case "version":
			l.Version = rd.String()
			return 2
		case "claim":
			claim.ScanJSON(rd, &l.Claim)
			return 3
		case "lang":
			l.Lang = rd.String()
			return 4
		case "profile":
			l.Profile = rd.String()
			return 5
		case "township":
			l.Township = rd.String()
			return 6
		case "household":
			l.Household = rd.String()
			return 7
		}
		return -1
	})
	return rd.End()
}
