package simulate

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Line Report

import (
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
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
// amounts are errors, as the codec reports them (its generated decoder, wire_gen.go).
func DecodeLine(b []byte, l *Line) error {
	*l = Line{}
	return codec.Decode(b, l)
}
