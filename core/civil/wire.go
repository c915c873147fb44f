package civil

import "github.com/ruralhealth/ncms/core/wire"

// ReadJSON reads a date from any JSON value: "YYYY-MM-DD", "" for none, or anything
// else kept as a problem for validation.
func (d *Date) ReadJSON(r *wire.Reader) {
	if v := r.Raw(); !r.Failed() {
		_ = d.UnmarshalJSON(v)
	}
}

// WriteJSON writes the date as a JSON string.
func (d Date) WriteJSON(w *wire.Writer) { w.String(d.String()) }
