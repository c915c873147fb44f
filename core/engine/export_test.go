package engine

// Scan exposes the strict fast path of settle requests to the tests.
func (r *SettleRequest) Scan(req []byte) bool { return r.scan(req) }
