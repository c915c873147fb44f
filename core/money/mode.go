package money

// Mode is a rounding mode, named by its wire value.
type Mode string

// Rounding modes a policy can name.
const (
	HalfUp   Mode = "half_up"   // 四舍五入: half a fen rounds away from zero
	HalfEven Mode = "half_even" // banker's rounding: half a fen rounds to the even fen
	Down     Mode = "down"      // truncate: drop what is below the fen
	Up       Mode = "up"        // any part of a fen rounds up
)

// Valid reports whether m is one of the defined modes.
func (m Mode) Valid() bool {
	switch m {
	case HalfUp, HalfEven, Down, Up:
		return true
	}
	return false
}
