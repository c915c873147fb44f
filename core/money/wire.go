package money

import "github.com/ruralhealth/ncms/core/wire"

// ReadJSON reads an amount from any JSON value: a decimal string, or anything else
// kept as a problem for validation to report with the field's path.
func (a *Amount) ReadJSON(r *wire.Reader) {
	if v := r.Raw(); !r.Failed() {
		_ = a.UnmarshalJSON(v)
	}
}

// WriteJSON writes the canonical text as a JSON string.
func (a Amount) WriteJSON(w *wire.Writer) {
	if a.Problem() != "" {
		w.String(a.String())
		return
	}
	w.AppendTo(a.Append)
}

// ReadJSON reads a rate as ReadJSON reads an amount.
func (r *Rate) ReadJSON(rd *wire.Reader) {
	if v := rd.Raw(); !rd.Failed() {
		_ = r.UnmarshalJSON(v)
	}
}

// WriteJSON writes the rate's text as a JSON string.
func (r Rate) WriteJSON(w *wire.Writer) {
	if r.Problem() != "" {
		w.String(r.String())
		return
	}
	w.AppendTo(r.Append)
}
