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
	_ "embed" // for go:embed

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/policy"
)

// The documents are embedded as strings, one variable each, rather than as an
// embed.FS: reading a file system would link package time's code into the wasm
// module for a modification time nothing reads. TestEveryFileEmbedded holds the list
// to the directory.
var (
	//go:embed city-resident.json
	cityResident string
	//go:embed hu-county.json
	huCounty string
	//go:embed kuiwen.json
	kuiwen string
	//go:embed pingluo-excess.json
	pingluoExcess string
	//go:embed pingluo-original.json
	pingluoOriginal string
	//go:embed pingluo-revised.json
	pingluoRevised string
	//go:embed qinghai.json
	qinghai string
	//go:embed zhengzhou.json
	zhengzhou string
)

// Document is one embedded policy document: its file name and its JSON text.
type Document struct {
	Name string
	JSON []byte
}

// Documents returns the embedded policy documents sorted by name. Each call returns
// fresh copies of the texts, which the caller may modify.
func Documents() []Document {
	return []Document{
		{"city-resident.json", []byte(cityResident)},
		{"hu-county.json", []byte(huCounty)},
		{"kuiwen.json", []byte(kuiwen)},
		{"pingluo-excess.json", []byte(pingluoExcess)},
		{"pingluo-original.json", []byte(pingluoOriginal)},
		{"pingluo-revised.json", []byte(pingluoRevised)},
		{"qinghai.json", []byte(qinghai)},
		{"zhengzhou.json", []byte(zhengzhou)},
	}
}

// Compiled decodes every embedded document with the strict codec and compiles it, in
// the order of Documents. An error names the file.
func Compiled() ([]*policy.Compiled, error) {
	docs := Documents()
	out := make([]*policy.Compiled, 0, len(docs))
	for _, d := range docs {
		var p policy.Policy
		if err := codec.Decode(d.JSON, &p); err != nil {
			return nil, core.Wrap("policies: "+d.Name, err)
		}
		c, err := policy.Compile(p)
		if err != nil {
			return nil, core.Wrap("policies: "+d.Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}
