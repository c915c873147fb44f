package ledger

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
)

// Encoding is the character encoding of a roster file, by the name a charset
// parameter or the import command's --encoding gives it.
type Encoding string

// Encodings of a roster. Excel in a Chinese locale saves "CSV" in GBK (code page
// 936) and "CSV UTF-8" with a byte-order mark; GB18030 is GBK's superset, so a GBK
// file reads the same as GB18030.
const (
	// EncodingAuto is UTF-8 for a file that starts with a byte-order mark or whose
	// first non-ASCII text is valid UTF-8 (the 64 KiB from the first non-ASCII
	// byte decide), and GB18030 otherwise.
	EncodingAuto    Encoding = "auto"
	EncodingUTF8    Encoding = "utf-8"
	EncodingGBK     Encoding = "gbk"
	EncodingGB18030 Encoding = "gb18030"
)

// ParseEncoding reads an encoding name case-insensitively, with the usual aliases:
// utf8; gb2312, cp936 and windows-936 for GBK (GB2312 is its subset). "" is auto.
func ParseEncoding(name string) (Encoding, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
		return EncodingAuto, true
	case "utf-8", "utf8":
		return EncodingUTF8, true
	case "gbk", "gb2312", "cp936", "windows-936":
		return EncodingGBK, true
	case "gb18030":
		return EncodingGB18030, true
	}
	return "", false
}

// sniffLen is how much text from the first non-ASCII byte decides between UTF-8
// and GB18030. Chinese text in GBK is almost never valid UTF-8 for more than a few
// characters, so a whole roster row or more settles it.
const sniffLen = 64 << 10

// decodeRoster returns a reader of the roster's text as UTF-8, reading r as enc.
// The reader's encoding() is the one used, once the reader has decided it.
func decodeRoster(r io.Reader, enc Encoding) (*rosterText, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	t := &rosterText{br: br}
	start, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("ledger: reading the roster: %w", err)
	}
	bom := bytes.HasPrefix(start, []byte("\xef\xbb\xbf"))
	switch enc {
	case EncodingAuto, "":
		switch {
		case bom:
			br.Discard(3)
			t.decide(EncodingUTF8)
		case bytes.HasPrefix(start, []byte("\xff\xfe")), bytes.HasPrefix(start, []byte("\xfe\xff")):
			return nil, core.Errors{core.NewErrorDetail(core.FieldInvalid, "/encoding",
				"the file is UTF-16 (Excel's \"Unicode text\"); save the roster as CSV",
				"文件为 UTF-16 编码（Excel 的“Unicode 文本”），请另存为 CSV 格式")}
		}
	case EncodingUTF8:
		if bom {
			br.Discard(3)
		}
		t.decide(EncodingUTF8)
	case EncodingGBK, EncodingGB18030:
		t.decide(enc)
	default:
		return nil, core.Errors{core.NewErrorDetail(core.FieldInvalid, "/encoding", strconv.Quote(string(enc))+": want utf-8, gbk, gb18030 or auto",
			strconv.Quote(string(enc))+"：应为 utf-8、gbk、gb18030 或 auto")}
	}
	return t, nil
}

// rosterText reads a roster as UTF-8. Until it has decided the encoding it passes
// ASCII through, which reads the same in every encoding here, and decides at the
// first other byte.
type rosterText struct {
	br  *bufio.Reader
	out io.Reader // nil until decided
	enc Encoding
}

func (t *rosterText) decide(enc Encoding) {
	t.enc = enc
	switch enc {
	case EncodingGBK:
		t.out = transform.NewReader(t.br, simplifiedchinese.GBK.NewDecoder())
	case EncodingGB18030:
		t.out = transform.NewReader(t.br, simplifiedchinese.GB18030.NewDecoder())
	default:
		t.out = t.br
	}
}

// encoding is the encoding decided, UTF-8 for a file that is ASCII throughout.
func (t *rosterText) encoding() Encoding {
	if t.out == nil {
		return EncodingUTF8
	}
	return t.enc
}

func (t *rosterText) Read(p []byte) (int, error) {
	if t.out != nil {
		return t.out.Read(p)
	}
	b, err := t.br.Peek(sniffLen)
	end := err != nil // the end of the file, or a read error the next read reports
	k := slices.IndexFunc(b, func(c byte) bool { return c >= utf8.RuneSelf })
	switch {
	case k < 0 && end:
		t.decide(EncodingUTF8)
		return t.out.Read(p)
	case k < 0:
		k = len(b)
	case k == 0:
		t.decide(sniff(b, end))
		return t.out.Read(p)
	}
	if len(p) > k {
		p = p[:k]
	}
	return t.br.Read(p)
}

// sniff decides the encoding of text that starts with a non-ASCII byte: UTF-8 if
// it is valid UTF-8 (but for a character cut off at the window's end), GB18030
// otherwise.
func sniff(b []byte, end bool) Encoding {
	if !end {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(b) {
		return EncodingUTF8
	}
	return EncodingGB18030
}

// rosterColumn is a column of a CSV file the ledger imports (the county roster, the
// contribution roster).
type rosterColumn struct {
	name     string   // the English header, and the last segment of its problems' paths
	zh       []string // Chinese headers; messages name the first
	max      int      // the text limit of its cells
	required bool
}

// rosterColumns are the county roster's columns. The header names each in English
// or Chinese, in any order; other columns are ignored. The last four are those of
// the batch card-opening roster (批量开卡花名册, RULES.md §3), whose rows are
// household heads: without a name column, 户主姓名 is the row's name and the row is
// the head. 序号, 医保证号 and 联系电话 are checked as text and not stored.
var rosterColumns = csvColumns{
	{"household", []string{"户号", "户编号"}, MaxCodeLen, true},
	{"township", []string{"乡镇"}, MaxNameLen, true},
	{"village", []string{"村", "行政村"}, MaxNameLen, false},
	{"address", []string{"居住地址", "地址"}, MaxAddressLen, false},
	{"relation", []string{"与户主关系"}, MaxCodeLen, false},
	{"id", []string{"身份证号", "身份证号码"}, MaxCodeLen, true},
	{"name", []string{"姓名"}, MaxNameLen, true},
	{"category", []string{"人员类别"}, MaxCodeLen, true},
	{"birthDate", []string{"出生日期"}, MaxCodeLen, false},
	{"year", []string{"参合年度"}, MaxCodeLen, true},
	{"tier", []string{"缴费档次"}, MaxCodeLen, false},
	{"paidOn", []string{"缴费日期"}, MaxCodeLen, true},
	{"row", []string{"序号"}, MaxCodeLen, false},
	{"head", []string{"户主姓名"}, MaxNameLen, false},
	{"certificate", []string{"医保证号"}, MaxCodeLen, false},
	{"phone", []string{"联系电话"}, MaxCodeLen, false},
}

// RosterColumns describes the roster's columns for a usage message: each English
// header with its Chinese one, the required ones marked with '*'.
func RosterColumns() string { return rosterColumns.String() }

// csvColumns are the columns of one kind of CSV file.
type csvColumns []rosterColumn

// String describes the columns: each English header with its Chinese one, the
// required ones marked with '*'.
func (cs csvColumns) String() string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.name + " " + c.zh[0])
		if c.required {
			b.WriteString("*")
		}
	}
	return b.String()
}

// header maps each accepted header, English or Chinese, to its column's index.
func (cs csvColumns) header(h string) (int, bool) {
	for i, c := range cs {
		if h == c.name || slices.Contains(c.zh, h) {
			return i, true
		}
	}
	return 0, false
}

// DefaultMaxProblems is how many problems an import report lists when
// ImportOptions.MaxProblems is 0; it counts all of them by code.
const DefaultMaxProblems = core.MaxListed

// ImportOptions are the settings of a roster import. The zero value detects the
// encoding and lists DefaultMaxProblems problems.
type ImportOptions struct {
	Encoding Encoding
	// MaxProblems bounds the problems listed; the report counts every one.
	MaxProblems int
	// Progress, if not nil, is called after each row is read.
	Progress func(done int)
}

// ImportReport says what a roster import did: all rows or none.
type ImportReport struct {
	Rows       int      `json:"rows"`
	Households int      `json:"households"`
	Persons    int      `json:"persons"`
	Imported   bool     `json:"imported"`
	Encoding   Encoding `json:"encoding"` // the encoding the file was read in
	// Problems are the first problems in file order (at most MaxProblems), at
	// /header/<column> and /rows/<index>/<column>; ProblemCount counts all of them
	// and ProblemCodes counts them by code. The engine's validate_roster answers the
	// same way.
	core.Tally
}

// CodeCount is how many problems had a code.
type CodeCount = core.CodeCount

// Import reads the county roster, CSV with a header row naming its columns (see
// rosterColumns), one row per person and enrollment year, and registers every
// household and person in one transaction. Any problem imports nothing; the report
// lists the first problems by row and column and counts them all. The roster is
// read as a stream; what it keeps is the registry records it will write.
func (l *Ledger) Import(ctx context.Context, r io.Reader, o ImportOptions) (*ImportReport, error) {
	text, err := decodeRoster(r, o.Encoding)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Tally: core.NewTally(o.MaxProblems)}
	households := map[string]*Household{}
	persons := map[string]*Person{}
	var order []string
	rep.Rows, rep.Encoding, err = readCSV(ctx, text, o, rosterColumns, &rep.Tally, func(row csvRow) core.Errors {
		return l.importRow(row, households, persons, &order)
	})
	if err != nil {
		return nil, err
	}
	if rep.ProblemCount > 0 {
		return rep, nil
	}
	err = l.store.Update(ctx, func(tx Tx) error {
		for _, h := range households {
			if err := tx.PutHousehold(ctx, *h); err != nil {
				return err
			}
		}
		for _, id := range order {
			if err := tx.PutPerson(ctx, *persons[id]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: importing the roster: %w", err)
	}
	rep.Imported, rep.Households, rep.Persons = true, len(households), len(persons)
	return rep, nil
}

// readCSV reads a CSV file with a header row naming cols: it checks every known
// cell as text, calls row for each row whose cells pass, and adds every problem to
// tally by row and column. It returns the rows read and the encoding the file was
// read in; an error is a failed read, not a problem of the file.
func readCSV(ctx context.Context, text *rosterText, o ImportOptions, cols csvColumns, tally *core.Tally, row func(csvRow) core.Errors) (int, Encoding, error) {
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	// readErr sorts csv's errors: a malformed line is the file's problem, a
	// failed read (a body over its limit, a dropped connection) ends the import.
	readErr := func(err error, at string) error {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return fmt.Errorf("ledger: reading the file: %w", err)
		}
		tally.Add(core.NewErrorDetail(core.FieldInvalid, at, "line "+strconv.Itoa(pe.Line)+": "+pe.Err.Error(),
			"第 "+strconv.Itoa(pe.Line)+" 行不是有效的 CSV（引号不成对等）"))
		return nil
	}
	header, err := cr.Read()
	switch {
	case err == io.EOF:
		tally.Add(core.NewError(core.RosterEmpty, "/rows", ""))
		return 0, text.encoding(), nil
	case err != nil:
		if err := readErr(err, "/header"); err != nil {
			return 0, "", err
		}
	}
	col := readHeader(tally, header, cols)
	if col == nil {
		return 0, text.encoding(), nil
	}
	rows := 0
	for i := 0; ; i++ {
		// A file read from disk never blocks, so the command's interrupt is seen here.
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, "", err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		at := "/rows/" + strconv.Itoa(i)
		if err != nil {
			if err := readErr(err, at); err != nil {
				return 0, "", err
			}
			continue
		}
		rows++
		r := csvRow{at: at, cols: cols, col: col, rec: rec}
		// Text first: a cell the file's encoding could not decode says nothing true.
		var es core.Errors
		for c, rc := range cols {
			if j := col[c]; j >= 0 && j < len(rec) {
				checkText(&es, at+"/"+rc.name, strings.TrimSpace(rec[j]), rc.max)
			}
		}
		if len(es) == 0 {
			es = row(r)
		}
		if len(es) > 0 {
			tally.Add(core.AsErrors(es.Err())...)
		}
		if o.Progress != nil {
			o.Progress(rows)
		}
	}
	if rows == 0 {
		tally.Add(core.NewError(core.RosterEmpty, "/rows", ""))
	}
	return rows, text.encoding(), nil
}

// csvRow is one row of a CSV file, its cells found by column name.
type csvRow struct {
	at   string // /rows/<index>
	cols csvColumns
	col  []int
	rec  []string
}

// get returns the trimmed cell of the named column, "" when absent.
func (r csvRow) get(name string) string {
	if j := r.col[r.cols.index(name)]; j >= 0 && j < len(r.rec) {
		return strings.TrimSpace(r.rec[j])
	}
	return ""
}

// has reports whether the header names the column.
func (r csvRow) has(name string) bool { return r.col[r.cols.index(name)] >= 0 }

// readHeader reads the header row: the index of each known column's cell by its
// place in cols (-1 for none), or nil after adding the header's problems to tally.
func readHeader(tally *core.Tally, header []string, cols csvColumns) []int {
	col := make([]int, len(cols))
	for i := range col {
		col[i] = -1
	}
	var es core.Errors
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !checkText(&es, "/header/"+strconv.Itoa(i), h, MaxNameLen) {
			continue
		}
		c, ok := cols.header(h)
		if !ok {
			continue
		}
		if j := col[c]; j >= 0 {
			es = append(es, core.NewErrorDetail(core.FieldInvalid, "/header/"+cols[c].name,
				"named by columns "+strconv.Itoa(j+1)+" and "+strconv.Itoa(i+1),
				"第 "+strconv.Itoa(j+1)+" 列与第 "+strconv.Itoa(i+1)+" 列重复"))
			continue
		}
		col[c] = i
	}
	if len(es) == 0 {
		for c, rc := range cols {
			// A card-opening roster names its rows by the head's name (户主姓名).
			if !rc.required || col[c] >= 0 || (rc.name == "name" && cols.index("head") >= 0 && col[cols.index("head")] >= 0) {
				continue
			}
			es = append(es, core.NewErrorDetail(core.FieldRequired, "/header/"+rc.name,
				"missing column "+rc.name+" ("+rc.zh[0]+")", "缺少“"+rc.zh[0]+"”列"))
		}
	}
	if len(es) > 0 {
		tally.Add(core.AsErrors(es.Err())...)
		return nil
	}
	return col
}

// index is the index of the named column, -1 for none.
func (cs csvColumns) index(name string) int {
	return slices.IndexFunc(cs, func(c rosterColumn) bool { return c.name == name })
}

// importRow checks one roster row and merges it into the households and persons.
func (l *Ledger) importRow(row csvRow, households map[string]*Household, persons map[string]*Person, order *[]string) core.Errors {
	get, at := row.get, row.at
	var es core.Errors
	name, relation, nameAt := get("name"), get("relation"), "/name"
	if !row.has("name") {
		// A card-opening roster: each row is a household head.
		name, relation, nameAt = get("head"), "head", "/head"
	}
	h := Household{ID: get("household"), Township: get("township"), Village: get("village"), Address: get("address")}
	if h.ID == "" {
		es.Add(core.FieldRequired, at+"/household", "")
	}
	if h.Township == "" {
		es.Add(core.FieldRequired, at+"/township", "")
	}
	var y enroll.Year
	var err error
	if y.Year, err = strconv.Atoi(get("year")); err != nil {
		es.Add(core.FieldInvalid, at+"/year", strconv.Quote(get("year")))
	}
	y.Tier = get("tier")
	if y.PaidOn, err = civil.Parse(get("paidOn")); err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, at+"/paidOn"))...)
	}
	p := Person{ID: get("id"), Name: name, Household: h.ID, Category: get("category"), Enrollment: []enroll.Year{y}}
	if b := get("birthDate"); b != "" {
		if p.Birth, err = civil.Parse(b); err != nil {
			es = append(es, core.AsErrors(core.Prefix(err, at+"/birthDate"))...)
		}
	}
	if len(es) == 0 {
		for _, e := range l.checkPerson(&p, "") {
			e.Path = strings.Replace(e.Path, "/enrollment/0", "", 1)
			if e.Path == "/name" {
				e.Path = nameAt
			}
			e.Path = at + e.Path
			es = append(es, e)
		}
	}
	if len(es) > 0 {
		return es
	}
	if old, ok := households[h.ID]; ok && (old.Township != h.Township || old.Village != h.Village) {
		return core.Errors{core.NewErrorDetail(core.FieldInvalid, at+"/township",
			"household "+h.ID+" is in another township or village on an earlier row",
			"户 "+h.ID+" 在前面的行中属于另一个乡镇或村")}
	}
	if households[h.ID] == nil {
		households[h.ID] = &h
	}
	if strings.EqualFold(relation, "head") || relation == "户主" {
		households[h.ID].Head = p.ID
	}
	old, ok := persons[p.ID]
	if !ok {
		persons[p.ID] = &p
		*order = append(*order, p.ID)
		return nil
	}
	if old.Household != p.Household || old.Name != p.Name {
		return core.Errors{core.NewErrorDetail(core.RosterDuplicate, at+"/id",
			"the same ID with another name or household", "同一身份证号在前面的行中姓名或户号不同")}
	}
	for _, e := range old.Enrollment {
		if e.Year == y.Year {
			return core.Errors{core.NewError(core.RosterDuplicate, at+"/year", strconv.Itoa(y.Year))}
		}
	}
	old.Enrollment = append(old.Enrollment, y)
	return nil
}
