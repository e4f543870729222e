// Package compose_test brings up the repository's docker-compose.yml and
// runs its example client, offline: every image is built here FROM scratch
// from binaries built in the run (ecrlink, the client, crane, the ECR
// credential helper) and the MinIO server scripts/install-deps.sh
// installs, from the final stages of the repository's own Dockerfiles.
package compose_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

const (
	registryHost = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
	apiHost      = "api.ecr.us-east-1.amazonaws.com"
	// scenarioFile is the compose file's default scenario, and broken is
	// it without the ecr.dkr endpoint.
	scenarioFile = "healthy-ecs-ec2.yaml"
	brokenFile   = "ecr-dkr-endpoint-missing.yaml"
	// credHelper is the credential helper the client image carries.
	credHelper = "github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@v0.13.0"
)

// TestCompose: docker compose up comes up healthy, the client pushes and
// pulls through ecrlink's DNS and TLS; a scenario edit without the ecr.dkr
// endpoint makes the client fail, and the fix is picked up without a
// restart. Skipped without docker and a compose tool, except with CI=true.
func TestCompose(t *testing.T) {
	compose := needTools(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	suffix := randomHex(t)
	project := "ecrlink-e2e-" + suffix
	work := t.TempDir()
	images := map[string]string{
		"ECRLINK_IMAGE":        "ecrlink-e2e/ecrlink:" + suffix,
		"ECRLINK_CLIENT_IMAGE": "ecrlink-e2e/client:" + suffix,
		"ECRLINK_MINIO_IMAGE":  "ecrlink-e2e/minio:" + suffix,
	}
	t.Cleanup(func() {
		for _, img := range images {
			_ = exec.Command("docker", "rmi", "-f", img).Run()
		}
	})
	buildImages(t, root, work, images)

	// A temp copy of the scenarios, so the test can edit one.
	scenarios := filepath.Join(work, "scenarios")
	if err := os.Mkdir(scenarios, 0o755); err != nil {
		t.Fatal(err)
	}
	healthy := readFile(t, filepath.Join(root, "examples", "scenarios", scenarioFile))
	broken := readFile(t, filepath.Join(root, "examples", "scenarios", brokenFile))
	scenario := filepath.Join(scenarios, scenarioFile)
	writeFile(t, scenario, healthy)
	// ecrlink runs as 65532: the bind-mounted directory must be readable.
	if err := os.Chmod(scenarios, 0o755); err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	token := "e2e-" + randomHex(t)
	prefix := freePrefix(t)
	env := append(os.Environ(),
		"ECRLINK_VPC_PREFIX="+prefix,
		"ECRLINK_PORT="+port,
		"ECRLINK_CONTROL_TOKEN="+token,
		"ECRLINK_SCENARIOS="+scenarios,
		"ECRLINK_SCENARIO_FILE="+scenarioFile,
	)
	for k, v := range images {
		env = append(env, k+"="+v)
	}
	c := &composeRun{t: t, cmd: compose, env: env,
		args: []string{"-p", project, "-f", filepath.Join(root, "docker-compose.yml")}}
	t.Cleanup(c.down)

	// docker compose up is the whole set-up: the client starts once
	// ecrlink is healthy, pushes, pulls and exits.
	start := time.Now()
	c.must(3*time.Minute, "up", "-d", "--no-build")
	ctl := &control{t: t, base: "http://127.0.0.1:" + port, token: token}
	ctl.waitHealthy(c)
	t.Logf("up and healthy in %s", time.Since(start).Round(time.Millisecond))
	out, code := c.waitExit("client")
	t.Logf("client from up exited %d after %s", code, time.Since(start).Round(time.Millisecond))
	if code != 0 || !strings.Contains(out, "client: pulled "+registryHost+"/app:demo@sha256:") {
		c.logs()
		t.Fatalf("client: exit %d\n%s", code, out)
	}
	// ecrlink's DNS server gave its TLS listener's address for both names.
	for _, host := range []string{apiHost, registryHost} {
		if want := "client: " + host + " resolves to " + prefix + ".10\n"; !strings.Contains(out, want) {
			t.Errorf("client output lacks %q:\n%s", want, out)
		}
	}
	recs := ctl.journal()
	for _, want := range []struct{ host, method, path string }{
		{apiHost, "POST", "/"}, // GetAuthorizationToken, by the credential helper
		{registryHost, "PUT", "/v2/app/manifests/demo"},
		{registryHost, "GET", "/v2/app/manifests/demo"},
	} {
		if !hasRecord(recs, want.host, want.method, want.path) {
			t.Errorf("journal has no %s %s on %s answered 2xx; records:\n%s", want.method, want.path, want.host, summary(recs))
		}
	}

	// Break the mounted scenario: no ecr.dkr endpoint, so the registry name
	// resolves to the blackhole and the client's dial never completes.
	writeFile(t, scenario, broken)
	ctl.waitScenario(func(doc string) bool { return !strings.Contains(doc, "vpce-0dkr") })
	start = time.Now()
	out, err = c.run(2*time.Minute, "run", "--rm", "-T", "-e", "CLIENT_TIMEOUT=10s", "client")
	// The registry name now resolves to the blackhole; the API name still
	// to the TLS listener, so the credential helper would work.
	if want := "client: " + registryHost + " resolves to " + prefix + ".11\n"; !strings.Contains(out, want) {
		t.Errorf("client output lacks %q:\n%s", want, out)
	}
	if err == nil || !strings.Contains(out, "no answer within CLIENT_TIMEOUT") {
		c.logs()
		t.Fatalf("client with the ecr.dkr endpoint missing: %v, want a failure timing out\n%s", err, out)
	}
	t.Logf("client failed as expected in %s:\n%s", time.Since(start).Round(time.Millisecond), out)

	// Fix it: picked up without a restart.
	writeFile(t, scenario, healthy)
	ctl.waitScenario(func(doc string) bool { return strings.Contains(doc, "vpce-0dkr") })
	out, err = c.run(2*time.Minute, "run", "--rm", "-T", "client")
	if err != nil || !strings.Contains(out, "client: pulled ") ||
		!strings.Contains(out, "client: "+registryHost+" resolves to "+prefix+".10\n") {
		c.logs()
		t.Fatalf("client after the fix: %v\n%s", err, out)
	}
}

// needTools returns the compose command (docker compose, the v2 plugin,
// else docker-compose v1), skipping without it or a docker daemon unless
// CI=true.
func needTools(t *testing.T) []string {
	t.Helper()
	need := func(msg string) {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal(msg + " (CI=true: not skipping)")
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		need("no docker CLI")
	}
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		need(fmt.Sprintf("no docker daemon: %v: %s", err, out))
	}
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return []string{p}
	}
	need("neither docker compose nor docker-compose")
	return nil
}

// buildImages builds the three images FROM scratch, each from the final
// stage of its Dockerfile in the repository, with binaries built here.
func buildImages(t *testing.T, root, work string, images map[string]string) {
	t.Helper()
	minio, ok := ecrtest.MinIOBinary()
	if !ok {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("no minio server; scripts/install-deps.sh installs it (CI=true: not skipping)")
		}
		t.Skip("no minio server; scripts/install-deps.sh installs it, or set ECRLINK_MINIO")
	}
	bin := filepath.Join(work, "bin")
	start := time.Now()
	goBuild(t, root, bin, "build", "-o", filepath.Join(bin, "ecrlink"), "./cmd/ecrlink")
	goBuild(t, root, bin, "build", "-o", filepath.Join(bin, "client"), "./examples/compose/client")
	ggcr := strings.TrimSpace(goOut(t, root, "list", "-m", "-f", "{{.Version}}", "github.com/google/go-containerregistry"))
	goBuild(t, root, bin, "install", "github.com/google/go-containerregistry/cmd/crane@"+ggcr)
	goBuild(t, root, bin, "install", credHelper)
	t.Logf("binaries built in %s", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	type image struct {
		env, dockerfile string
		files           map[string]string // context path -> host file
		dirs            []string
	}
	for _, img := range []image{
		{"ECRLINK_IMAGE", "Dockerfile", map[string]string{"ecrlink": filepath.Join(bin, "ecrlink")}, []string{"ca", "data"}},
		{"ECRLINK_CLIENT_IMAGE", "examples/compose/client/Dockerfile", map[string]string{
			"client": filepath.Join(bin, "client"), "crane": filepath.Join(bin, "crane"),
			"docker-credential-ecr-login": filepath.Join(bin, "docker-credential-ecr-login")}, nil},
		{"ECRLINK_MINIO_IMAGE", "examples/compose/minio/Dockerfile", map[string]string{
			"minio": minio, "ecrlink": filepath.Join(bin, "ecrlink")}, []string{"data"}},
	} {
		dir := filepath.Join(work, "image-"+strings.ToLower(img.env))
		ctxDir := filepath.Join(dir, "context")
		for _, d := range append(img.dirs, "") {
			if err := os.MkdirAll(filepath.Join(ctxDir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, src := range img.files {
			copyFile(t, src, filepath.Join(ctxDir, name), 0o755)
		}
		stage := finalStage(t, readFile(t, filepath.Join(root, img.dockerfile)))
		// A MinIO built with cgo (go install's default) needs its loader
		// and libc, which FROM scratch lacks; the Dockerfile's own build
		// is static.
		if libs := sharedLibs(t, minio); img.env == "ECRLINK_MINIO_IMAGE" && len(libs) > 0 {
			for _, l := range libs {
				copyFile(t, l, filepath.Join(ctxDir, "rootfs", l), 0o755)
			}
			stage = strings.Replace(stage, "FROM scratch\n", "FROM scratch\nCOPY rootfs/ /\n", 1)
		}
		dockerfile := filepath.Join(dir, "Dockerfile")
		writeFile(t, dockerfile, stage)
		if out, err := exec.Command("docker", "build", "-q", "-f", dockerfile, "-t", images[img.env], ctxDir).CombinedOutput(); err != nil {
			t.Fatalf("docker build %s (from %s):\n%s\n%s", images[img.env], img.dockerfile, stage, out)
		}
	}
	t.Logf("images built in %s", time.Since(start).Round(time.Millisecond))
}

// finalStage is a Dockerfile's last stage, FROM scratch, with its COPY
// --from=build /out/X made COPY ./X from the build context.
func finalStage(t *testing.T, dockerfile string) string {
	t.Helper()
	i := strings.LastIndex(dockerfile, "\nFROM scratch\n")
	if i < 0 {
		t.Fatalf("no final FROM scratch stage in:\n%s", dockerfile)
	}
	stage := strings.ReplaceAll(dockerfile[i+1:], "--from=build ", "")
	return regexp.MustCompile(`(?m)^(COPY .*?)/out/`).ReplaceAllString(stage, "$1./")
}

// sharedLibs lists the files ldd says bin loads; none for a static binary.
func sharedLibs(t *testing.T, bin string) []string {
	t.Helper()
	out, _ := exec.Command("ldd", bin).CombinedOutput() // "not a dynamic executable" fails
	var libs []string
	for _, f := range strings.Fields(string(out)) {
		if strings.HasPrefix(f, "/") {
			libs = append(libs, f)
		}
	}
	return libs
}

func goBuild(t *testing.T, dir, gobin string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append(args[:1:1], append([]string{"-trimpath"}, args[1:]...)...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOBIN="+gobin, "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func goOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// composeRun runs the compose tool on the test's project.
type composeRun struct {
	t    *testing.T
	cmd  []string
	env  []string
	args []string
}

func (c *composeRun) run(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	all := append(append(append([]string{}, c.cmd[1:]...), c.args...), args...)
	cmd := exec.CommandContext(ctx, c.cmd[0], all...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *composeRun) must(timeout time.Duration, args ...string) {
	c.t.Helper()
	if out, err := c.run(timeout, args...); err != nil {
		c.logs()
		c.t.Fatalf("%s %s: %v\n%s", strings.Join(c.cmd, " "), strings.Join(args, " "), err, out)
	}
}

// waitExit waits for service's container to exit, returning its output
// and exit code.
func (c *composeRun) waitExit(service string) (string, int) {
	c.t.Helper()
	id, err := c.run(time.Minute, "ps", "-a", "-q", service)
	if id = strings.TrimSpace(id); err != nil || id == "" {
		c.logs()
		c.t.Fatalf("no %s container: %v %s", service, err, id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code, err := exec.CommandContext(ctx, "docker", "wait", id).Output()
	if err != nil {
		c.logs()
		c.t.Fatalf("docker wait %s: %v", service, err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(code)))
	out, _ := exec.Command("docker", "logs", id).CombinedOutput()
	return string(out), n
}

// logs puts the services' logs in the test log, for a failure's reader.
func (c *composeRun) logs() {
	out, _ := c.run(time.Minute, "logs", "--no-color", "--tail", "60")
	c.t.Logf("compose logs:\n%s", out)
}

// down removes the project's containers, networks and volumes, then
// whatever of them compose left (a run container, a network in use).
func (c *composeRun) down() {
	if out, err := c.run(2*time.Minute, "down", "-v", "--rmi", "local", "--remove-orphans", "-t", "2"); err != nil {
		c.t.Logf("compose down: %v\n%s", err, out)
	}
	label := "label=com.docker.compose.project=" + c.args[1]
	for _, kind := range [][]string{{"ps", "-aq"}, {"network", "ls", "-q"}, {"volume", "ls", "-q"}} {
		out, _ := exec.Command("docker", append(kind, "--filter", label)...).Output()
		for _, id := range strings.Fields(string(out)) {
			rm := map[string][]string{"ps": {"rm", "-f"}, "network": {"network", "rm"}, "volume": {"volume", "rm", "-f"}}[kind[0]]
			_ = exec.Command("docker", append(rm, id)...).Run()
			c.t.Logf("removed leftover %s %s", kind[0], id)
		}
	}
}

// control talks to ecrlink's control API through the published port.
type control struct {
	t     *testing.T
	base  string
	token string
}

func (c *control) get(path string) (int, []byte, error) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes(), err
}

// waitHealthy waits for the control API's health, and for docker to call
// the ecrlink container healthy (its health check runs ecrlink health).
func (c *control) waitHealthy(cr *composeRun) {
	c.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		code, _, err := c.get("/_ecrlink/health")
		if code == http.StatusOK {
			id, _ := cr.run(time.Minute, "ps", "-q", "ecrlink")
			st, _ := exec.Command("docker", "inspect", "-f", "{{.State.Health.Status}}", strings.TrimSpace(id)).Output()
			if strings.TrimSpace(string(st)) == "healthy" {
				return
			}
			err = fmt.Errorf("container health %q", strings.TrimSpace(string(st)))
		}
		if time.Now().After(deadline) {
			cr.logs()
			c.t.Fatalf("ecrlink not healthy within 90s: %d %v", code, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// waitScenario waits until the scenario in force satisfies ok: --watch
// polls the file every second.
func (c *control) waitScenario(ok func(doc string) bool) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body, err := c.get("/_ecrlink/scenario")
		if code == http.StatusOK && ok(string(body)) {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("scenario change not picked up within 30s: %d %v\n%s", code, err, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type record struct {
	Host, Method, Path, Action, Outcome string
	Status                              int
}

func (c *control) journal() []record {
	c.t.Helper()
	code, body, err := c.get("/_ecrlink/journal")
	if err != nil || code != http.StatusOK {
		c.t.Fatalf("journal: %d %v %s", code, err, body)
	}
	var recs []record
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			c.t.Fatalf("journal line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

func hasRecord(recs []record, host, method, path string) bool {
	for _, r := range recs {
		if r.Host == host && r.Method == method && r.Path == path && r.Status/100 == 2 {
			return true
		}
	}
	return false
}

func summary(recs []record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "  %s %s %s %s %d %s\n", r.Host, r.Method, r.Path, r.Action, r.Status, r.Outcome)
	}
	return b.String()
}

// freePrefix is a 198.19.N prefix whose /24 no docker network uses, so a
// run meets neither another run nor a leftover from a killed one.
func freePrefix(t *testing.T) string {
	t.Helper()
	ids, err := exec.Command("docker", "network", "ls", "-q").Output()
	if err != nil {
		t.Fatal(err)
	}
	used := ""
	if f := strings.Fields(string(ids)); len(f) > 0 {
		out, _ := exec.Command("docker", append([]string{"network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{end}}"}, f...)...).Output()
		used = string(out)
	}
	b := make([]byte, 1)
	for range 256 {
		_, _ = rand.Read(b)
		p := fmt.Sprintf("198.19.%d", b[0])
		if !strings.Contains(used, p+".") {
			return p
		}
	}
	t.Fatal("no free 198.19.N.0/24 among docker's networks")
	return ""
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
}
