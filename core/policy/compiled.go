package policy

import (
	"encoding/hex"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/internal/sha256"
	"github.com/ruralhealth/ncms/core/money"
)

// Compiled is a validated policy with its lookups built and its content hash, ready
// for any number of settlements. It is immutable and safe for concurrent use.
type Compiled struct {
	p         Policy
	hash      string
	canonical []byte

	classes    map[string]*Class
	categories map[string]*Category
	tiers      map[string]*Tier
	pools      map[string]*Pool
	diseases   map[string]*SingleDisease
	classB     map[string]money.Rate
	cert       pattern
}

// Compile validates p and prepares it for settlement. The returned Compiled keeps its
// own copy; later changes to p do not affect it.
func Compile(p Policy) (*Compiled, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	canonical, err := codec.Encode(&p)
	if err != nil {
		return nil, core.Wrap("policy "+p.ID+": canonical form", err)
	}
	// Decode the canonical form back so the compiled copy shares no slices with p.
	var own Policy
	if err := codec.Decode(canonical, &own); err != nil {
		return nil, core.Wrap("policy "+p.ID+": canonical form", err)
	}
	sum := sha256.Sum256(canonical)
	c := &Compiled{
		p:          own,
		hash:       hex.EncodeToString(sum[:]),
		canonical:  canonical,
		classes:    make(map[string]*Class, len(own.Classes)),
		categories: make(map[string]*Category, len(own.Categories)),
		tiers:      make(map[string]*Tier, len(own.Tiers)),
		pools:      make(map[string]*Pool, len(own.Pools)),
		diseases:   make(map[string]*SingleDisease, len(own.SingleDiseases)),
		classB:     make(map[string]money.Rate, len(own.Catalogue.ClassBByKind)),
	}
	for i := range c.p.Classes {
		c.classes[c.p.Classes[i].Code] = &c.p.Classes[i]
	}
	for i := range c.p.Categories {
		c.categories[c.p.Categories[i].Code] = &c.p.Categories[i]
	}
	for i := range c.p.Tiers {
		c.tiers[c.p.Tiers[i].Code] = &c.p.Tiers[i]
	}
	for i := range c.p.Pools {
		c.pools[c.p.Pools[i].ID] = &c.p.Pools[i]
	}
	for i := range c.p.SingleDiseases {
		c.diseases[c.p.SingleDiseases[i].Code] = &c.p.SingleDiseases[i]
	}
	for _, kr := range c.p.Catalogue.ClassBByKind {
		c.classB[kr.Kind] = kr.Rate
	}
	if c.p.Cards.Certificate != "" {
		if c.cert, err = certificatePattern(c.p.Cards.Certificate); err != nil {
			return nil, core.Wrap("policy "+p.ID+": certificate pattern", err)
		}
	}
	return c, nil
}

// certificatePattern compiles the certificate pattern, matched against the whole
// number; validation compiles it too, so a pattern that validates always compiles.
func certificatePattern(s string) (pattern, error) { return compilePattern(s) }

// Policy returns a copy of the policy document's top level; its slices must not be
// modified.
func (c *Compiled) Policy() *Policy { return &c.p }

// ID returns the policy id.
func (c *Compiled) ID() string { return c.p.ID }

// Version returns the policy version.
func (c *Compiled) Version() string { return c.p.Version }

// Hash returns the hex SHA-256 of the policy's canonical JSON form, which identifies
// the exact rules behind every result.
func (c *Compiled) Hash() string { return c.hash }

// Canonical returns the canonical JSON form whose hash is Hash. The caller must not
// modify it.
func (c *Compiled) Canonical() []byte { return c.canonical }

// shortList is the length up to which lookups scan a list rather than hash the key:
// a policy names a handful of classes, categories, tiers and pools, and a settlement
// looks them up a dozen times. Scans run from the end, so that the last entry with a
// code wins, as it does in the maps.
const shortList = 8

// Class returns the facility class with the code.
func (c *Compiled) Class(code string) (*Class, bool) {
	if len(c.p.Classes) <= shortList {
		for i := len(c.p.Classes) - 1; i >= 0; i-- {
			if c.p.Classes[i].Code == code {
				return &c.p.Classes[i], true
			}
		}
		return nil, false
	}
	v, ok := c.classes[code]
	return v, ok
}

// Category returns the person category with the code.
func (c *Compiled) Category(code string) (*Category, bool) {
	if len(c.p.Categories) <= shortList {
		for i := len(c.p.Categories) - 1; i >= 0; i-- {
			if c.p.Categories[i].Code == code {
				return &c.p.Categories[i], true
			}
		}
		return nil, false
	}
	v, ok := c.categories[code]
	return v, ok
}

// Tier returns the contribution tier with the code.
func (c *Compiled) Tier(code string) (*Tier, bool) {
	if len(c.p.Tiers) <= shortList {
		for i := len(c.p.Tiers) - 1; i >= 0; i-- {
			if c.p.Tiers[i].Code == code {
				return &c.p.Tiers[i], true
			}
		}
		return nil, false
	}
	v, ok := c.tiers[code]
	return v, ok
}

// Pool returns the cap pool with the id.
func (c *Compiled) Pool(id string) (*Pool, bool) {
	if len(c.p.Pools) <= shortList {
		for i := len(c.p.Pools) - 1; i >= 0; i-- {
			if c.p.Pools[i].ID == id {
				return &c.p.Pools[i], true
			}
		}
		return nil, false
	}
	v, ok := c.pools[id]
	return v, ok
}

// Disease returns the single-disease price with the code.
func (c *Compiled) Disease(code string) (*SingleDisease, bool) {
	v, ok := c.diseases[code]
	return v, ok
}

// HasFund reports whether id names a pool or a layer, the keys of year-to-date totals.
func (c *Compiled) HasFund(id string) bool {
	if _, ok := c.pools[id]; ok || id == FundSingleDisease || id == FundMaternity {
		return true
	}
	for i := range c.p.Layers {
		if c.p.Layers[i].ID == id {
			return true
		}
	}
	return false
}

// ClassB returns the pre-self-pay share of a class-B item of the kind.
func (c *Compiled) ClassB(kind string) money.Rate {
	if by := c.p.Catalogue.ClassBByKind; len(by) <= shortList {
		for i := len(by) - 1; i >= 0; i-- {
			if by[i].Kind == kind {
				return by[i].Rate
			}
		}
	} else if r, ok := c.classB[kind]; ok {
		return r
	}
	return c.p.Catalogue.ClassB
}

// Certificate reports whether s is a well-formed certificate number (医保证号) under
// the policy: it matches the policy's pattern, or, without one, is non-empty and has
// no white space.
func (c *Compiled) Certificate(s string) bool {
	if c.cert != nil {
		return c.cert.MatchString(s)
	}
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == '\u3000' {
			return false
		}
	}
	return true
}

// FundType returns the national fund type code (基金支付类型) of the fund with the id,
// paid as a fund of the kind ("basic", "single_disease", "maternity" or a layer
// kind): the policy's mapping when it gives one, otherwise DefaultFundType.
func (c *Compiled) FundType(id, kind string) string {
	if n := c.p.National; n != nil {
		for _, ft := range n.FundTypes {
			if ft.Fund == id {
				return ft.Type
			}
		}
	}
	return DefaultFundType(LayerKind(kind))
}
