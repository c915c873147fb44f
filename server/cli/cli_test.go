package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/wasm/build"
)

// server runs the command with args in the background and returns its base URL, its
// stdout and a function that stops it (SIGINT's path: the context ends) and returns
// run's error.
func server(t *testing.T, args ...string) (string, *apitest.Buffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &apitest.Buffer{}, &apitest.Buffer{}
	addr := make(chan string, 1)
	c := &Command{Stdout: stdout, Stderr: stderr, Listening: func(a string) { addr <- a }}
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...)) }()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("the server stopped: %v\n%s", err, stderr)
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatalf("the server did not start:\n%s", stderr)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	return base, stdout, stop
}

func get(t *testing.T, url, key string) (int, []byte) {
	t.Helper()
	return send(t, "GET", url, key, "")
}

func send(t *testing.T, method, url, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestServe starts the server on an empty database: it prints the admin key once
// and writes it with mode 0600, serves with it, stops cleanly, and starts again
// without a new key.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--db", filepath.Join(dir, "ncms.db"), "--admin-key", filepath.Join(dir, "keys", "admin.key"),
		"--wasm", filepath.Join(dir, "missing.wasm"), "--log-format", "json"}
	base, stdout, stop := server(t, args...)
	key, err := os.ReadFile(filepath.Join(dir, "keys", "admin.key"))
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(key))
	if !strings.Contains(stdout.String(), secret) || !strings.HasPrefix(secret, "ncms_") {
		t.Fatalf("stdout %q does not show the key %q", stdout, secret)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "keys", "admin.key")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.key mode %v", fi.Mode().Perm())
	}
	// The first operator's password likewise, and it signs in.
	pwFile := filepath.Join(dir, "keys", "admin.password")
	pw, err := os.ReadFile(pwFile)
	if err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(string(pw))
	if len(password) < 12 || !strings.Contains(stdout.String(), password) {
		t.Fatalf("stdout %q does not show the password %q", stdout, password)
	}
	if fi, _ := os.Stat(pwFile); fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.password mode %v", fi.Mode().Perm())
	}
	login, _ := json.Marshal(map[string]string{"login": "admin", "password": password})
	resp, err := http.Post(base+"/v1/session", "application/json", bytes.NewReader(login))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || len(resp.Cookies()) == 0 {
		t.Fatalf("signing in as admin: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/healthz", "", 200},
		{"/readyz", "", 200},
		{"/v1/keys", secret, 200},
		{"/v1/keys", "", 401},
		{"/", "", 404}, // no module, no page
		{"/metrics", "", 200},
	} {
		if code, body := get(t, base+tc.path, tc.key); code != tc.status {
			t.Errorf("GET %s: %d, want %d: %s", tc.path, code, tc.status, body)
		}
	}
	if _, m := get(t, base+"/metrics", ""); !bytes.Contains(m, []byte("go_goroutines")) || !bytes.Contains(m, []byte("ncms_http_requests_total")) {
		t.Error("metrics lack the Go runtime's or the server's")
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	base, stdout, stop = server(t, args...)
	if strings.Contains(stdout.String(), "ncms_") || strings.Contains(stdout.String(), password) {
		t.Fatalf("a second start printed a key or password: %s", stdout)
	}
	if code, body := get(t, base+"/v1/keys", secret); code != 200 {
		t.Fatalf("the first key after a restart: %d %s", code, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestServeBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--engine", "java"},
		{"--log-format", "xml"},
		{"--engine", "wasm", "--wasm", filepath.Join(dir, "missing.wasm")},
		{"stray"},
		{"--nonsense"},
		{"--public-body-limit", "lots"},
		{"--public-budget", "0"},
		{"--cors-origin", "county.example"},
		{"--budget", "7500000"},
		{"--budget", "25=7500000"},
		{"--budget", "2025=lots"},
		{"--budget", "2025=1.234"},
	} {
		c := &Command{Stdout: io.Discard, Stderr: io.Discard}
		args = append([]string{"--db", filepath.Join(dir, "ncms.db"), "--admin-key", filepath.Join(dir, "admin.key"), "--addr", "127.0.0.1:0"}, args...)
		if err := c.Run(context.Background(), args); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestServePublicFlags checks that the public limits' flags reach the server: a
// body over --public-body-limit is 413, and a client over --public-rate 429.
func TestServePublicFlags(t *testing.T) {
	dir := t.TempDir()
	base, _, _ := server(t, "--db", filepath.Join(dir, "ncms.db"), "--admin-key", filepath.Join(dir, "admin.key"),
		"--wasm", filepath.Join(dir, "missing.wasm"), "--public-body-limit", "1KiB", "--public-rate", "0.1", "--public-burst", "2")
	if code, body := send(t, "POST", base+"/v1/engine/check_id", "", `{"schema":1,"id":"`+strings.Repeat("1", 1024)+`"}`); code != 413 ||
		!strings.Contains(string(body), "> 1024") {
		t.Fatalf("over --public-body-limit: %d %s", code, body)
	}
	if code, body := send(t, "POST", base+"/v1/engine/check_id", "", `{"schema":1,"id":"640221198001010015","today":"2025-06-01"}`); code != 200 {
		t.Fatalf("within the limits: %d %s", code, body)
	}
	if code, body := send(t, "POST", base+"/v1/engine/check_id", "", `{}`); code != 429 || !strings.Contains(string(body), "server_busy") {
		t.Fatalf("over --public-rate: %d %s", code, body)
	}
}

// TestServeRequiresFacility checks that the facility class never comes from the
// request by default: a settlement of an institution missing from the register is
// 422 facility_unknown until the county registers it, and only an explicit
// --require-facility=false (a county still filling its register) lets it keep its
// own class.
func TestServeRequiresFacility(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int // status of the unregistered institution's settlement
	}{
		{"default", nil, 422},
		{"off", []string{"--require-facility=false"}, 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			base, _, _ := server(t, append([]string{"--db", filepath.Join(dir, "ncms.db"), "--admin-key", filepath.Join(dir, "admin.key"),
				"--wasm", filepath.Join(dir, "missing.wasm")}, tc.args...)...)
			key, err := os.ReadFile(filepath.Join(dir, "admin.key"))
			if err != nil {
				t.Fatal(err)
			}
			secret := strings.TrimSpace(string(key))
			code, body := send(t, "POST", base+"/v1/settlements", secret, settleBody("V1", 1))
			if code != tc.want || (code == 422 && !strings.Contains(string(body), `"facility_unknown"`)) {
				t.Fatalf("an unregistered institution: %d %s, want %d", code, body, tc.want)
			}
			if code, body := send(t, "PUT", base+"/v1/facilities/H001", secret, `{"name":"H001","class":"county","from":"2025-01-01"}`); code != 200 {
				t.Fatalf("registering H001: %d %s", code, body)
			}
			if code, body := send(t, "POST", base+"/v1/settlements", secret, settleBody("V2", 2)); code != 201 {
				t.Fatalf("a registered institution: %d %s, want 201", code, body)
			}
		})
	}
}

// TestServeCORSFlag checks that --cors-origin reaches the server: the origin named
// may call a public route, another may not.
func TestServeCORSFlag(t *testing.T) {
	dir := t.TempDir()
	base, _, _ := server(t, "--db", filepath.Join(dir, "ncms.db"), "--admin-key", filepath.Join(dir, "admin.key"),
		"--wasm", filepath.Join(dir, "missing.wasm"), "--cors-origin", "https://wsj.example.gov.cn/")
	for origin, want := range map[string]string{"https://wsj.example.gov.cn": "https://wsj.example.gov.cn", "https://other.example": ""} {
		req, _ := http.NewRequest("GET", base+"/v1/policies", nil)
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); resp.StatusCode != 200 || got != want {
			t.Errorf("Origin %s: %d Access-Control-Allow-Origin %q, want %q", origin, resp.StatusCode, got, want)
		}
	}
}

// TestServeWasm runs the server on the WebAssembly module: the engine route answers
// with the native engine's bytes and the estimator page serves the module.
func TestServeWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and compiles the module")
	}
	dir := t.TempDir()
	module, err := build.Path(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	base, _, stop := server(t, "--engine", "wasm", "--wasm", module, "--wasm-cache", filepath.Join(dir, "cache"),
		"--db", filepath.Join(dir, "ncms.db"), "--admin-key", filepath.Join(dir, "admin.key"))
	native, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	req := `{"schema":1,"policy":"pingluo-original","claim":{"id":"V1",
	 "person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
	 "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
	 "items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}],
	 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`
	for _, op := range []string{"settle", "version"} {
		body := req
		if op == "version" {
			body = ""
		}
		code, got := send(t, "POST", base+"/v1/engine/"+op, "", body)
		if want := native.Handle(op, []byte(body)); code != 200 || !bytes.Equal(got, want) {
			t.Fatalf("%s through the module: %d\n got %s\nwant %s", op, code, got, want)
		}
	}
	if code, page := get(t, base+"/", ""); code != 200 || !bytes.Contains(page, []byte("<html")) {
		t.Fatalf("estimator page: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

const rosterHeader = "household,township,village,address,relation,id,name,category,birthDate,year,tier,paidOn\n"

func TestImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ncms.db")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.csv", rosterHeader+
		"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,1980-01-01,2025,,2024-12-01\n"+
		"H1,640221100,V01,一队,,640221198001010016,李二,farmer,,2025,,2024-12-01\n"+
		"H2,,V02,,,640221198001010023,张三,farmer,,2025,,2024-13-01\n")
	good := write("good.csv", rosterHeader+
		"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,1980-01-01,2024,,2023-12-01\n"+
		"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,1980-01-01,2025,,2024-12-01\n"+
		"H1,640221100,V01,一队,,640221198001010023,李二,farmer,,2025,,2024-12-01\n")
	gbkText, err := simplifiedchinese.GBK.NewEncoder().String("户号,乡镇,村,身份证号,姓名,人员类别,参合年度,缴费日期\n" +
		"H1,城关镇,东关村,640221198001010015,王大,farmer,2025,2024-12-01\n")
	if err != nil {
		t.Fatal(err)
	}
	gbk := write("gbk.csv", gbkText)

	tests := []struct {
		name    string
		args    []string
		wantErr bool
		stdout  []string
	}{
		{"bad roster", []string{"--db", db, bad}, true, []string{
			"bad.csv:3: id: resident ID check character is wrong",
			"bad.csv:4: paidOn: date must be",
			"bad.csv:4: township: field is required",
			"[id_checksum]",
		}},
		{"good roster", []string{"--db", db, good}, false, []string{"good.csv: imported 3 rows: 1 households, 2 persons"}},
		{"GBK roster", []string{"--db", db, gbk}, false, []string{"gbk.csv: imported 1 rows: 1 households, 1 persons"}},
		{"GBK roster named", []string{"--db", db, "--encoding", "GBK", gbk}, false, []string{"gbk.csv: imported 1 rows"}},
		{"GBK roster named UTF-8", []string{"--db", db, "--encoding", "utf-8", gbk}, true, []string{"gbk.csv:1: column 1: text must be valid UTF-8", "[field_text_invalid]", "8 × field_text_invalid"}},
		{"unknown encoding", []string{"--db", db, "--encoding", "latin1", gbk}, true, nil},
		{"no file", []string{"--db", db}, true, nil},
		{"missing file", []string{"--db", db, filepath.Join(dir, "none.csv")}, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			c := &Command{Stdout: &stdout, Stderr: &stderr}
			err := c.Run(context.Background(), append([]string{"import"}, tc.args...))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %v\n%s", err, tc.wantErr, stderr.String())
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if strings.Contains(stdout.String(), "640221198001010016") {
				t.Errorf("the report prints a full resident ID:\n%s", stdout.String())
			}
		})
	}
}

// TestCheckText writes bad text into a database past the server and finds it.
func TestCheckText(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ncms.db")
	roster := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(roster, []byte(rosterHeader+"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,,2025,,2024-12-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		c := &Command{Stdout: &stdout, Stderr: &stderr}
		err := c.Run(context.Background(), args)
		return stdout.String(), err
	}
	if _, err := run("import", "--db", db, roster); err != nil {
		t.Fatal(err)
	}
	if out, err := run("check-text", "--db", db); err != nil || !strings.Contains(out, "passes") {
		t.Fatalf("a clean database: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("UPDATE persons SET name = CAST(X'CDF5B4F3' AS TEXT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE households SET village = 'V' || char(0) || '1'"); err != nil {
		t.Fatal(err)
	}
	out, err := run("check-text", "--db", db)
	if err == nil {
		t.Fatalf("check-text passed bad text:\n%s", out)
	}
	for _, want := range []string{"persons.name " + strconv.Quote(identity.Mask("640221198001010015")) + ": text must be valid UTF-8", `households.village "H1": text must be valid UTF-8`, "U+0000"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "640221198001010015") {
		t.Errorf("the output prints a full resident ID:\n%s", out)
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"./data/ncms.db": "./data/ncms.db",
		"postgres://ncms:secret@db:5432/ncms?sslmode=disable":     "postgres://ncms:xxxxx@db:5432/ncms?sslmode=disable",
		"postgres://ncms@db/ncms":                                 "postgres://ncms@db/ncms",
		"postgres://ncms@db/ncms?sslmode=disable&password=secret": "postgres://ncms@db/ncms?sslmode=disable&password=xxxxx",
		"postgresql://db/ncms?password=secret&user=ncms":          "postgresql://db/ncms?password=xxxxx&user=ncms",
		"postgres://db/ncms?pass%77ord=secret":                    "postgres://db/ncms?pass%77ord=xxxxx",
		"postgres://db/ncms?sslpassword=secret&password":          "postgres://db/ncms?sslpassword=xxxxx&password=xxxxx",
		"postgres://ncms:se@cret@db/ncms":                         "postgres://ncms:xxxxx@db/ncms",
		"postgres://ncms:secret@db/ncms?password=other":           "postgres://ncms:xxxxx@db/ncms?password=xxxxx",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseBudget(t *testing.T) {
	for _, tc := range []struct {
		in     string
		year   int
		amount string
		ok     bool
	}{
		{"2026=7500000", 2026, "7500000.00", true},
		{"2025=1234.5", 2025, "1234.50", true},
		{"2025", 0, "", false},
		{"abcd=1", 0, "", false},
		{"2025=-1", 0, "", false},
	} {
		year, amount, err := parseBudget(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (year != tc.year || amount.String() != tc.amount)) {
			t.Errorf("%q: %d %s %v", tc.in, year, amount, err)
		}
	}
}
