package simulate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"

	"github.com/ruralhealth/ncms/core/codec"
)

// Lines yields the lines of a claims file (JSON lines, one Line each; blank lines are
// skipped), numbered from 1. Each record's JSON is its own copy.
func Lines(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		br := bufio.NewReaderSize(r, 1<<20)
		var n int64
		for {
			b, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				// A line longer than the buffer: gather it.
				long := append([]byte(nil), b...)
				for err == bufio.ErrBufferFull {
					b, err = br.ReadSlice('\n')
					long = append(long, b...)
					if len(long) > codec.MaxRequest {
						yield(Record{}, fmt.Errorf("line %d is longer than %d bytes", n+1, codec.MaxRequest))
						return
					}
				}
				b = long
			}
			if len(b) > 0 {
				n++
				if t := bytes.TrimSpace(b); len(t) > 0 && !yield(Record{Seq: n, JSON: bytes.Clone(t)}, nil) {
					return
				}
			}
			switch {
			case err == io.EOF:
				return
			case err != nil:
				yield(Record{}, fmt.Errorf("line %d: %w", n+1, err))
				return
			}
		}
	}
}
