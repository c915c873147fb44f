package civil

import "github.com/go-json-experiment/json/jsontext"

// UnmarshalJSONFrom is UnmarshalJSON for the codec's streaming decoder, which calls it
// without copying the value.
func (d *Date) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return d.UnmarshalJSON(v)
}

// MarshalJSONTo is MarshalJSON for the codec's streaming encoder.
func (d Date) MarshalJSONTo(e *jsontext.Encoder) error {
	return e.WriteToken(jsontext.String(d.String()))
}
