package api

import (
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// progressKept is how long a finished import's progress can still be read, so that
// a page polling it sees the last count.
const progressKept = time.Minute

// progressID is what a client may name an import's progress by: a UUID or any other
// short token of letters, digits, '-' and '_'.
var progressID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// importProgress is how far one roster import has read. It lives in this process
// only: behind several replicas a page asks the one that took its upload only by chance.
type importProgress struct {
	rows atomic.Int64
	done atomic.Bool
}

// progresses are the imports' progress by the id the client named them with.
type progresses struct{ m sync.Map }

// start registers the import named id (none when id is ""), returning the callback
// that ledger.ImportOptions.Progress takes and the function that marks it done.
func (p *progresses) start(id string) (func(int), func(), error) {
	if id == "" {
		return nil, func() {}, nil
	}
	if !progressID.MatchString(id) {
		var es core.Errors
		es.AddText(core.FieldInvalid, "/progress", "8 to 64 letters, digits, - or _", "须为 8 至 64 个字母、数字、减号或下划线")
		return nil, nil, es.Err()
	}
	ip := &importProgress{}
	p.m.Store(id, ip)
	return func(n int) { ip.rows.Store(int64(n)) }, func() {
		ip.done.Store(true)
		time.AfterFunc(progressKept, func() { p.m.CompareAndDelete(id, ip) })
	}, nil
}

// importProgressAnswer is the body of GET /v1/registry/import/progress.
type importProgressAnswer struct {
	ID   string `json:"id"`
	Rows int64  `json:"rows"` // rows read and checked so far
	Done bool   `json:"done"` // the import has answered
}

// importProgress answers GET /v1/registry/import/progress?id=…: how many rows the
// roster import posted with progress=id has read, while it runs and for a minute after.
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	id := r.URL.Query().Get("id")
	v, ok := s.progress.m.Load(id)
	if !ok {
		return core.Errors{apierr.NewErrorText(apierr.NotFound, "/id", "no import running or just finished under "+core.Quote(id),
			"没有以 "+core.Quote(id)+" 为标识的正在进行或刚完成的导入")}
	}
	ip := v.(*importProgress)
	return writeOK(w, http.StatusOK, importProgressAnswer{ID: id, Rows: ip.rows.Load(), Done: ip.done.Load()})
}
