package anycodec

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DecodeList decodes the next JSON value into *s as the strict decoder decodes a
// slice, but keeps at most max+1 elements: an array longer than that is invalid
// whatever it holds, so the rest are checked as JSON only. A list type an untrusted
// request may fill calls it from its UnmarshalJSONFrom method, so that 8 MiB of "{}"
// cannot become millions of values in memory.
func DecodeList[T any](d *jsontext.Decoder, s *[]T, max int) error {
	if d.PeekKind() != '[' {
		// null, and the errors of anything else, exactly as the strict decoder gives
		// them for a plain slice.
		return json.UnmarshalDecode(d, s)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	out := []T{}
	for d.PeekKind() != ']' {
		if len(out) > max {
			if err := d.SkipValue(); err != nil {
				return err
			}
			continue
		}
		var v T
		if err := json.UnmarshalDecode(d, &v); err != nil {
			*s = out
			return err
		}
		out = append(out, v)
	}
	*s = out
	_, err := d.ReadToken()
	return err
}
