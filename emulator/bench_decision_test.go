package emulator_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

// BenchmarkManifestHeadDecision measures what a scenario's decision and
// its policy evaluation add to a manifest HEAD: two servers in one run,
// one with no scenario and one in the catalogue's healthy VPC with an
// endpoint policy and a repository policy to evaluate, asked in turn.
// Reported: each one's median latency and the difference (target: at most
// 20 µs added at the median).
func BenchmarkManifestHeadDecision(b *testing.B) {
	policy := `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"],"Resource":"*"},
		{"Sid":"NoDelete","Effect":"Deny","Principal":"*","Action":"ecr:BatchDeleteImage","Resource":"*"}]}},
		{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}}]`
	plain := ecrlinktest.Start(b, emulator.Config{Account: "111122223333"})
	plain.CreateRepository("app")
	world := ecrlinktest.Start(b, emulator.Config{Scenario: parseScenario(b, healthyVPC)})
	img, _ := random.Image(256, 1)
	type target struct {
		inst *ecrlinktest.Instance
		req  *http.Request
		lat  []time.Duration
	}
	var targets [2]*target
	for i, inst := range []*ecrlinktest.Instance{plain, world} {
		if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodHead, inst.URL()+"/v2/app/manifests/1", nil)
		req.SetBasicAuth("AWS", inst.Auth().(*authn.Basic).Password)
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json")
		targets[i] = &target{inst: inst, req: req}
	}
	if code, body := control(b, world, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", policy); code != 200 {
		b.Fatalf("PATCH: %d %s", code, body)
	}
	client := &http.Client{Transport: ecrtest.NewTransport()} // dials each URL's own host
	b.Cleanup(client.CloseIdleConnections)
	head := func(t *target) {
		t0 := time.Now()
		resp, err := client.Do(t.req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		t.lat = append(t.lat, time.Since(t0))
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("HEAD: %d", resp.StatusCode)
		}
	}
	for range 50 { // warm both up
		head(targets[0])
		head(targets[1])
	}
	targets[0].lat, targets[1].lat = nil, nil
	for i := 0; b.Loop(); i++ {
		head(targets[i%2])
		head(targets[(i+1)%2])
	}
	p50 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Nanoseconds()) / 1000
	}
	base, scen := p50(targets[0].lat), p50(targets[1].lat)
	b.ReportMetric(base, "plain-p50-µs")
	b.ReportMetric(scen, "scenario-p50-µs")
	b.ReportMetric(scen-base, "added-p50-µs")
}
