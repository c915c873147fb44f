package policy

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// pattern is a compiled certificate pattern (cards.certificate): the part of regular
// expression syntax a number format needs, matched against the whole text. It is
// characters, '.', classes such as [0-9A-Z] or [^-], \d and escaped punctuation, each
// optionally followed by ?, *, + or {n}, {n,} or {n,m}; a leading ^ and a trailing $
// are allowed and change nothing. Groups, alternation and the rest of RE2 are refused
// when the policy is validated. Every pattern in this syntax means what it means to
// package regexp (TestPatternMatchesRegexp): the module does without regexp, which
// with its Unicode tables was a tenth of it compressed.
type pattern []atom

// atom is one character set with its repetition.
type atom struct {
	ranges  []rune // inclusive pairs
	negate  bool
	anyChar bool // '.': any character but a newline
	min     int
	max     int // -1: no limit
}

// maxRepeat bounds {n,m} as RE2 does.
const maxRepeat = 1000

func (a *atom) matches(r rune) bool {
	if a.anyChar {
		return r != '\n'
	}
	in := false
	for i := 0; i+1 < len(a.ranges); i += 2 {
		if a.ranges[i] <= r && r <= a.ranges[i+1] {
			in = true
			break
		}
	}
	return in != a.negate
}

// compilePattern parses s, or says at which offset it leaves the supported syntax.
func compilePattern(s string) (pattern, error) {
	p := pattern{}
	i := 0
	if len(s) > 0 && s[0] == '^' {
		i++
	}
	end := len(s)
	if end > i && s[end-1] == '$' && (end < 2 || s[end-2] != '\\') {
		end--
	}
	bad := func(at int, what string) error {
		return errors.New("offset " + strconv.Itoa(at) + ": " + what +
			"; a certificate pattern is characters, '.', [classes], \\d and escaped punctuation, each with ?, *, + or {n,m}")
	}
	for i < end {
		var a atom
		c, size := utf8.DecodeRuneInString(s[i:end])
		switch {
		case c == utf8.RuneError && size == 1:
			return nil, bad(i, "invalid UTF-8")
		case c == '.':
			a.anyChar = true
			i++
		case c == '[':
			j := i + 1
			if j < end && s[j] == '^' {
				a.negate = true
				j++
			}
			first := true
			for {
				if j >= end {
					return nil, bad(i, "unclosed [")
				}
				if s[j] == ']' && !first {
					j++
					break
				}
				first = false
				lo, n, err := classChar(s[j:end])
				if err != nil {
					return nil, bad(j, err.Error())
				}
				j += n
				hi := lo
				if j+1 < end && s[j] == '-' && s[j+1] != ']' {
					if hi, n, err = classChar(s[j+1 : end]); err != nil {
						return nil, bad(j+1, err.Error())
					}
					if hi < lo {
						return nil, bad(j, "range out of order")
					}
					j += 1 + n
				}
				if lo == -1 { // \d
					a.ranges = append(a.ranges, '0', '9')
					continue
				}
				a.ranges = append(a.ranges, lo, hi)
			}
			i = j
		case c == '\\':
			if i+1 >= end {
				return nil, bad(i, "trailing \\")
			}
			e := s[i+1]
			switch {
			case e == 'd':
				a.ranges = []rune{'0', '9'}
			case isPunct(e):
				a.ranges = []rune{rune(e), rune(e)}
			default:
				return nil, bad(i, "unsupported escape \\"+string(e))
			}
			i += 2
		case c == '(' || c == ')' || c == '|' || c == '^' || c == '$' || c == '+' || c == '*' || c == '?' || c == '{':
			return nil, bad(i, "unsupported "+strconv.QuoteRune(c))
		default:
			a.ranges = []rune{c, c}
			i += size
		}
		a.min, a.max = 1, 1
		if i < end {
			switch s[i] {
			case '?':
				a.min, a.max = 0, 1
				i++
			case '*':
				a.min, a.max = 0, -1
				i++
			case '+':
				a.min, a.max = 1, -1
				i++
			case '{':
				n, m, size, ok := repeat(s[i:end])
				if !ok {
					return nil, bad(i, "bad repetition")
				}
				a.min, a.max = n, m
				i += size
			}
			if i < end && (s[i] == '?' || s[i] == '*' || s[i] == '+' || s[i] == '{') {
				return nil, bad(i, "unsupported repetition of a repetition")
			}
		}
		p = append(p, a)
	}
	return p, nil
}

// isPunct reports whether c is ASCII punctuation, which is a literal only escaped.
func isPunct(c byte) bool {
	switch c {
	case '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$', '-':
		return true
	}
	return false
}

// classChar reads one character of a class: a character, an escaped punctuation
// character, or \d (returned as -1).
func classChar(s string) (rune, int, error) {
	c, size := utf8.DecodeRuneInString(s)
	switch {
	case c == utf8.RuneError && size == 1:
		return 0, 0, errors.New("invalid UTF-8")
	case c == '\\':
		if len(s) < 2 {
			return 0, 0, errors.New("trailing \\")
		}
		switch e := s[1]; {
		case e == 'd':
			return -1, 2, nil
		case isPunct(e):
			return rune(e), 2, nil
		default:
			return 0, 0, errors.New("unsupported escape \\" + string(e))
		}
	case c == '[':
		return 0, 0, errors.New("unsupported [ inside a class")
	}
	return c, size, nil
}

// repeat reads {n}, {n,} or {n,m} at the start of s.
func repeat(s string) (n, m, size int, ok bool) {
	close := -1
	for i := 1; i < len(s); i++ {
		if s[i] == '}' {
			close = i
			break
		}
	}
	if close < 0 {
		return 0, 0, 0, false
	}
	body := s[1:close]
	lo, hi := body, body
	comma := false
	for i := 0; i < len(body); i++ {
		if body[i] == ',' {
			lo, hi, comma = body[:i], body[i+1:], true
			break
		}
	}
	n, err := strconv.Atoi(lo)
	if err != nil || lo[0] == '+' || lo[0] == '-' || n > maxRepeat {
		return 0, 0, 0, false
	}
	m = n
	if comma {
		m = -1
		if hi != "" {
			if m, err = strconv.Atoi(hi); err != nil || hi[0] == '+' || hi[0] == '-' || m > maxRepeat || m < n {
				return 0, 0, 0, false
			}
		}
	}
	return n, m, close + 1, true
}

// MatchString reports whether the whole of s is in the pattern's language. It keeps
// the set of positions the atoms so far can end at, so the time is bounded by the
// atoms times the text's length squared, whatever the pattern.
func (p pattern) MatchString(s string) bool {
	rs := []rune(s)
	at := make([]bool, len(rs)+1)
	at[0] = true
	next := make([]bool, len(rs)+1)
	for i := range p {
		a := &p[i]
		clear(next)
		any := false
		for pos, ok := range at {
			if !ok {
				continue
			}
			for k, q := 0, pos; ; k, q = k+1, q+1 {
				if k >= a.min {
					next[q] = true
					any = true
				}
				if (a.max >= 0 && k >= a.max) || q >= len(rs) || !a.matches(rs[q]) {
					break
				}
			}
		}
		if !any {
			return false
		}
		at, next = next, at
	}
	return at[len(rs)]
}
