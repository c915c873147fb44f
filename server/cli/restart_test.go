package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// TestKilledMidRun settles claims from eight clients, kills the server process with
// SIGKILL while requests are in flight, starts it again on the same database and
// checks that every acknowledged settlement is there with the bytes first returned,
// and that resending each unanswered request settles it exactly once (201 or a
// replay, never a conflict). Both stores.
func TestKilledMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the server binary")
	}
	bin := filepath.Join(t.TempDir(), "ncms-server")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/ncms-server").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	dsns := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "ncms.db") },
	}
	if os.Getenv("NCMS_TEST_POSTGRES") != "" || os.Getenv("CI") != "" {
		dsns["postgres"] = func(t *testing.T) string { return storetest.PostgresDSN(t) }
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) { killedMidRun(t, bin, dsn(t)) })
	}
}

// ack is what a client learned of one request.
type ack struct {
	body   string
	seq    int64
	result jsontext.Value // nil: no answer (the server died first)
}

func killedMidRun(t *testing.T, bin, dsn string) {
	dir := t.TempDir()
	args := []string{"--db", dsn, "--admin-key", filepath.Join(dir, "admin.key"), "--wasm", filepath.Join(dir, "none.wasm")}
	proc, base := start(t, bin, args)
	key, err := os.ReadFile(filepath.Join(dir, "admin.key"))
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(key))
	// The server requires the facility register by default: register H001 first.
	if code, b := send(t, http.MethodPut, base+"/v1/facilities/H001", secret, `{"name":"H001","class":"county","inCounty":true,"designated":true,"from":"2025-01-01"}`); code != http.StatusOK {
		t.Fatalf("registering H001: %d %s", code, b)
	}

	var mu sync.Mutex
	var acks []*ack
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 8 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				a := &ack{body: settleBody(fmt.Sprintf("K%d-%d", w, n), n%50)}
				mu.Lock()
				acks = append(acks, a)
				mu.Unlock()
				code, b, err := post(base+"/v1/settlements", secret, a.body)
				if err != nil {
					return // the server is gone
				}
				if code != http.StatusCreated {
					t.Errorf("settle: %d %s", code, b)
					return
				}
				var env struct {
					Result     jsontext.Value `json:"result"`
					Settlement struct {
						Seq int64 `json:"seq"`
					} `json:"settlement"`
				}
				if err := jsonv2.Unmarshal(b, &env); err != nil {
					t.Errorf("settle answer: %v", err)
					return
				}
				mu.Lock()
				a.seq, a.result = env.Settlement.Seq, env.Result
				mu.Unlock()
			}
		})
	}
	// Kill once a good number of settlements are acknowledged, with clients still
	// sending: some requests are then in flight.
	for deadline := time.Now().Add(time.Minute); ; {
		mu.Lock()
		n := 0
		for _, a := range acks {
			if a.result != nil {
				n++
			}
		}
		mu.Unlock()
		if n >= 150 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := proc.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	close(stop)
	wg.Wait()

	_, base = start(t, bin, args)
	acked, resent := 0, 0
	for _, a := range acks {
		if a.result == nil {
			code, b, err := post(base+"/v1/settlements", secret, a.body)
			if err != nil || (code != http.StatusCreated && code != http.StatusOK) {
				t.Fatalf("resending an unanswered request: %d %s %v", code, b, err)
			}
			resent++
			continue
		}
		acked++
		code, b := get(t, fmt.Sprintf("%s/v1/settlements/%d", base, a.seq), secret)
		if code != http.StatusOK {
			t.Fatalf("acknowledged settlement %d after the kill: %d %s", a.seq, code, b)
		}
		var env struct {
			Result struct {
				Result jsontext.Value `json:"result"`
			} `json:"result"`
		}
		if err := jsonv2.Unmarshal(b, &env); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(env.Result.Result, a.result) {
			t.Fatalf("settlement %d after the kill differs from what was acknowledged", a.seq)
		}
	}
	if acked < 150 {
		t.Fatalf("only %d settlements were acknowledged before the kill", acked)
	}
	t.Logf("%d acknowledged settlements intact after SIGKILL; %d unanswered requests resent", acked, resent)
}

// start runs the server binary on a free loopback port and waits until it is ready.
func start(t *testing.T, bin string, args []string) (*exec.Cmd, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, append([]string{"--addr", addr}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for ctx.Err() == nil {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, base
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the server did not become ready:\n%s", out.String())
	return nil, ""
}

func post(url, key, body string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b.Bytes(), nil
}

// settleBody is a Pingluo inpatient claim (RULES.md §2.1) of person n (0–999).
func settleBody(visit string, n int) string {
	body := fmt.Sprintf("64022119800101%03d", n)
	check, err := identity.CheckChar(body)
	if err != nil {
		panic(err)
	}
	return string(apitest.SettleRequest(visit, body+string(check), "H001", "1234.56"))
}
