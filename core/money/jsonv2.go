package money

import "github.com/go-json-experiment/json/jsontext"

// UnmarshalJSONFrom is UnmarshalJSON for the codec's streaming decoder, which calls it
// without copying the value.
func (a *Amount) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	return a.UnmarshalJSON(v)
}

// MarshalJSONTo is MarshalJSON for the codec's streaming encoder.
func (a Amount) MarshalJSONTo(e *jsontext.Encoder) error {
	return e.WriteToken(jsontext.String(a.String()))
}

// UnmarshalJSONFrom is UnmarshalJSON for the codec's streaming decoder.
func (r *Rate) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	return r.UnmarshalJSON(v)
}

// MarshalJSONTo is MarshalJSON for the codec's streaming encoder.
func (r Rate) MarshalJSONTo(e *jsontext.Encoder) error {
	return e.WriteToken(jsontext.String(r.String()))
}
