package host

import "github.com/ruralhealth/ncms/core/engine"

// ok reports whether resp opens as a success envelope: the tests hold every answer
// the module gives to the envelope engine.Open reads, not only to its first bytes.
func ok(resp []byte) bool {
	r, err := engine.Open(resp)
	return err == nil && r.OK
}
