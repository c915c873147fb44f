// Package ledger is the county's system of record: every settlement and reversal as
// an append-only journal, each person's running totals against the annual caps, the
// enrollment and card registry, the published policies and the API keys. The Ledger
// type holds the rules (idempotency, serialization per person, reversal and
// correction); a Store (server/store: SQLite or PostgreSQL) holds the data.
package ledger

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
)

// ErrNotFound is returned by a Tx lookup that finds nothing.
var ErrNotFound = errors.New("ledger: not found")

// ErrUnavailable is wrapped by a Store's errors when the database cannot be reached:
// the connection refused or lost, the store closed, or SQLite's file locked by another
// process beyond the busy timeout. Nothing was written; the same request may succeed
// later, so the API answers 503 store_unavailable rather than 500.
var ErrUnavailable = errors.New("ledger: the database is unavailable")

// Store is durable storage. Update runs fn in one read-write transaction and commits
// it only if fn returns nil; when Update returns nil the transaction is durable. Two
// Updates that lock the same person's totals never interleave. View runs fn in a
// read-only snapshot.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the database answers, for /readyz.
	Ping(ctx context.Context) error
	Close() error
}

// Tx is what the ledger reads and writes inside one transaction.
type Tx interface {
	// LockTotals returns the person's running totals for the year and holds a lock on
	// them until the transaction ends; a person with none yet gets Totals{Year: year}
	// with empty (non-nil) lists.
	LockTotals(ctx context.Context, person string, year int) (claim.Totals, error)
	// Lock holds an exclusive lock on name until the transaction ends, so that
	// transactions acting on one visit or one card serialize across server replicas
	// (a no-op where one writer serializes every Update already).
	Lock(ctx context.Context, name string) error
	// LockShared holds a shared lock on name until the transaction ends: shared
	// locks of one name do not wait for each other, Lock waits for them all and they
	// for it (settlements of a year and the year's close).
	LockShared(ctx context.Context, name string) error
	// PutTotals replaces the person's totals for the year (a derived table: the
	// journal's deltas summed give the same figures).
	PutTotals(ctx context.Context, person string, year int, t claim.Totals) error

	// Append adds an entry to the journal and returns its sequence number (from 1).
	Append(ctx context.Context, e *Entry) (int64, error)
	// Entry returns the entry with the sequence number, or ErrNotFound.
	Entry(ctx context.Context, seq int64) (*Entry, error)
	// Current returns the latest settlement of the institution's visit that no
	// reversal names, or ErrNotFound.
	Current(ctx context.Context, institution, visit string) (*Entry, error)
	// ReversalOf returns the reversal of the settlement seq, or ErrNotFound.
	ReversalOf(ctx context.Context, seq int64) (*Entry, error)
	// Reversed returns the latest settlement of the institution's visit with the bill
	// hash that a reversal names, or ErrNotFound.
	Reversed(ctx context.Context, institution, visit, bill string) (*Entry, error)
	// Entries yields journal entries matching f in sequence order.
	Entries(ctx context.Context, f Filter) iter.Seq2[*Entry, error]
	// Settlements returns up to q.Limit settlements matching q, newest first, each
	// with its status derived from the journal.
	Settlements(ctx context.Context, q SettlementQuery) ([]SettlementRow, error)

	// PutHousehold and PutPerson insert or replace registry records.
	PutHousehold(ctx context.Context, h Household) error
	Household(ctx context.Context, id string) (*Household, error)
	PutPerson(ctx context.Context, p Person) error
	Person(ctx context.Context, id string) (*Person, error)
	// Persons yields every person of a household, or every person when household is "".
	Persons(ctx context.Context, household string) iter.Seq2[*Person, error]
	// PersonsPage and HouseholdsPage return up to q.Limit registry records matching
	// q, in id order.
	PersonsPage(ctx context.Context, q PersonQuery) ([]Person, error)
	HouseholdsPage(ctx context.Context, q HouseholdQuery) ([]Household, error)

	// AppendCardEvent records a card event; Card returns the card's record with its
	// current status (the last event's), or ErrNotFound.
	AppendCardEvent(ctx context.Context, ev CardEvent) error
	Card(ctx context.Context, number string) (*CardRecord, error)
	CardEvents(ctx context.Context, number string) ([]CardEvent, error)
	// CardsOf returns the numbers of the cards ever issued to the person, in the
	// order they were first issued.
	CardsOf(ctx context.Context, owner string) ([]string, error)

	// PutPolicy stores a policy document (canonical bytes) under its hash; storing the
	// same hash again is a no-op. Policies yields every stored document.
	PutPolicy(ctx context.Context, p StoredPolicy) error
	Policies(ctx context.Context) iter.Seq2[*StoredPolicy, error]
	// PolicyCount counts the stored documents: a cheap way for a replica to see that
	// another one published a policy.
	PolicyCount(ctx context.Context) (int, error)

	// PutKey stores an API key record; KeyByHash finds one by the SHA-256 of its secret.
	PutKey(ctx context.Context, k Key) error
	KeyByHash(ctx context.Context, hash string) (*Key, error)
	Keys(ctx context.Context) ([]Key, error)

	// Operators, their sessions, the facility register and invoices (operators.go,
	// facilities.go).
	OperatorTx
	FacilityTx
	// Manual claims (manual.go).
	ManualTx
	// Statements, deductions, approvals, payment batches, year closes (books.go).
	BooksTx
	// Contributions and family accounts (contributions.go, family_account.go).
	HouseholdBooksTx
}

// Kinds of journal entry.
const (
	KindSettlement = "settlement"
	KindReversal   = "reversal"
)

// Entry is one journal line: a settlement or the reversal of one. Entries are never
// updated or deleted; a correction is a reversal followed by a settlement whose
// Corrects names the first.
type Entry struct {
	Seq  int64
	Kind string
	// Reverses is, for a reversal, the settlement it cancels.
	Reverses int64
	// Corrects is, for a settlement that replaces a reversed one, that settlement.
	Corrects int64

	Institution string
	Visit       string // the institution's visit id (claim id)
	Person      string // 18-character resident ID
	Household   string // from the registry, "" if the person is not registered
	Township    string // from the registry
	Year        int    // the totals year the claim counted in
	VisitType   string
	Class       string // facility class
	Admission   civil.Date
	Discharge   civil.Date
	Disease     string

	PolicyID      string
	PolicyVersion string
	PolicyHash    string
	// BillHash is the SHA-256 of the canonical request without the claim's totals,
	// visit id and institution: the same bill whoever submits it.
	BillHash string

	Eligible  bool
	Route     string
	Total     money.Amount
	Drug      money.Amount // drug lines, for the drug-share audit
	FundTotal money.Amount
	Cash      money.Amount
	Funds     []FundPaid
	Warnings  []string // warning codes

	// Delta is what the settlement added to the person's totals for Year, every figure
	// non-negative (FamilyAccount is what it drew from the account). A reversal
	// carries its settlement's Delta and takes it away again.
	Delta claim.Totals
	// Request is the settle request as received (canonical JSON); Result the core's
	// result bytes exactly as first returned.
	Request []byte
	Result  []byte

	Recorded time.Time
	Key      string // id of the API key that recorded it, or ""
	Operator string // id of the operator who recorded it, or ""
	Reason   string // a reversal's, or a correction's (both its entries), why: free text from the clerk
	// Invoice is the bill's invoice number (发票号) from the claim, "" if none; a
	// manual claim's first.
	Invoice string
	// Manual is a manual claim's invoices and payout (kept beside the journal by
	// ManualTx, read by Ledger.Entry); nil for any other entry.
	Manual *Manual
}

// FundPaid is one fund's payment in an entry.
type FundPaid struct {
	Fund   string       `json:"fund"`
	Kind   string       `json:"kind"`
	Amount money.Amount `json:"amount"`
}

// Filter selects journal entries; zero fields match everything. From and To bound
// the admission date, inclusive; RecordedFrom (inclusive) and RecordedTo (exclusive)
// the instant the entry was recorded; Year is the totals year.
type Filter struct {
	From, To     civil.Date
	RecordedFrom time.Time
	RecordedTo   time.Time
	Year         int
	Institution  string
	Person       string
	Kind         string
	AfterSeq     int64
	Limit        int
}

// Household is a registered household (户).
type Household struct {
	ID       string `json:"id"`
	Head     string `json:"head"` // 户主 resident ID
	Township string `json:"township"`
	Village  string `json:"village"`
	Address  string `json:"address"`
}

// Person is a registered person with their enrollment history.
type Person struct {
	ID         string        `json:"id"` // 18-character resident ID
	Name       string        `json:"name"`
	Household  string        `json:"household"`
	Category   string        `json:"category"`
	Birth      civil.Date    `json:"birthDate"`
	Enrollment []enroll.Year `json:"enrollment"`
}

// CardEvent is one counter action on a card (issue, report_lost, …).
type CardEvent struct {
	Number      string          `json:"number"`
	Owner       string          `json:"owner"`
	Certificate string          `json:"certificate"`
	Event       identity.Event  `json:"event"`
	Date        civil.Date      `json:"date"`
	Status      identity.Status `json:"status"` // status after the event
	Recorded    time.Time       `json:"recorded"`
	Key         string          `json:"key"`
	// Reason is why the counter acted (挂失、暂停、注销的原因), "" for events
	// recorded before reasons were kept.
	Reason string `json:"reason"`
}

// CardRecord is a card as it stands.
type CardRecord struct {
	identity.Card
	Events int `json:"events"`
}

// StoredPolicy is a policy document the county published.
type StoredPolicy struct {
	ID       string
	Version  string
	Hash     string
	Document []byte // canonical JSON
	Loaded   time.Time
}

// Roles an API key can have.
const (
	RoleInstitution = "institution"
	RoleCounty      = "county"
)

// Key is an API key. Only the SHA-256 of its secret is stored.
type Key struct {
	ID          string    `json:"id"`
	Hash        string    `json:"-"`
	Role        string    `json:"role"`
	Institution string    `json:"institution,omitempty"` // for institution keys
	Name        string    `json:"name"`
	Created     time.Time `json:"created"`
	Revoked     bool      `json:"revoked"`
}
