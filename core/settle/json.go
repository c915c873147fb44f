package settle

import "github.com/ruralhealth/ncms/core/codec"

// AppendJSON appends the result's canonical JSON encoding to b, written by the
// generated WriteJSON (wire_gen.go). It fails, with b unusable, only on text that is
// not valid UTF-8.
func (r *Result) AppendJSON(b []byte) ([]byte, error) { return codec.Append(b, r) }
