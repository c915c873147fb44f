// Package core holds what every layer of the reimbursement engine shares: the typed
// error with its stable code and JSON-pointer path, and the list of such errors that
// validation returns. It imports nothing else of the project but package wire, the
// run-time half of its generated JSON methods.
//
// The calculation itself lives in the subpackages: money (exact amounts and
// rounding), policy (the county's compensation scheme, 补偿方案), claim (one visit's
// bill), settle (the settlement pipeline), identity (ID numbers, bank cards, card
// records and rosters), trace (the explanation), codec (the one JSON wire format) and
// engine (the bytes-in, bytes-out facade every host calls).
package core

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Errors Tally

// EngineVersion is the version of the calculation, reported in every result. It
// changes whenever any result for the same input could change.
const EngineVersion = "0.1.0"
