// Package policies embeds example compensation schemes (补偿方案) written from the
// domain brief (RULES.md): Pingluo county's original scheme in both band readings and
// its proposed revision, Hu county, a city's two-tier resident insurance, Kuiwen,
// Zhengzhou with its supplementary layer, and Qinghai's three layers.
//
// Each document cites its RULES.md section in "source" and explains every choice the
// brief leaves open in "notes". Documents marked "illustrative" contain numbers that
// are not in the source documents; their notes say which.
package policies

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/policy"
)

//go:embed *.json
var files embed.FS

// Document is one embedded policy document: its file name and its JSON text.
type Document struct {
	Name string
	JSON []byte
}

// Documents returns the embedded policy documents sorted by name. Each call returns
// fresh copies of the texts, which the caller may modify.
func Documents() []Document {
	entries, err := files.ReadDir(".")
	if err != nil {
		// The embedded file system is fixed at build time; reading its root cannot fail.
		panic("policies: " + err.Error())
	}
	docs := make([]Document, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".test.json") {
			// A policy's example claims (ncms policy test), not a policy.
			continue
		}
		b, err := files.ReadFile(e.Name())
		if err != nil {
			panic("policies: " + err.Error())
		}
		docs = append(docs, Document{Name: e.Name(), JSON: b})
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	return docs
}

// Compiled decodes every embedded document with the strict codec and compiles it, in
// the order of Documents. An error names the file.
func Compiled() ([]*policy.Compiled, error) {
	docs := Documents()
	out := make([]*policy.Compiled, 0, len(docs))
	for _, d := range docs {
		var p policy.Policy
		if err := codec.Decode(d.JSON, &p); err != nil {
			return nil, fmt.Errorf("policies: %s: %w", d.Name, err)
		}
		c, err := policy.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("policies: %s: %w", d.Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}
