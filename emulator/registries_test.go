package emulator_test

import (
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
)

// TestLayersOfEveryRegistryComeFromTheirBucket: images pushed to another
// account's registry and to another region's are pulled back by AWS names,
// each layer from the starport bucket of its region and the storage of its
// registry, in memory and in MinIO alike.
func TestLayersOfEveryRegistryComeFromTheirBucket(t *testing.T) {
	t.Parallel()
	const bobARN = "arn:aws:iam::444455556666:user/bob"
	for _, storage := range []string{"memory", "minio"} {
		t.Run(storage, func(t *testing.T) {
			t.Parallel()
			cfg := emulator.Config{Account: "111122223333",
				Registries: []emulator.Registry{{Account: "444455556666", Region: "us-east-1"}, {Account: "111122223333", Region: "eu-west-1"}},
				Identities: []emulator.Identity{{AccessKeyID: "AKIABOB", SecretAccessKey: "bob-secret", Principal: bobARN,
					Policies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`}}}}
			if storage == "minio" {
				cfg.S3 = ecrlinktest.StartMinIO(t).S3Config("registries")
			}
			inst := ecrlinktest.Start(t, cfg)
			_, port, _ := strings.Cut(inst.Host(), ":")
			for _, tc := range []struct{ account, region, key, secret string }{
				{"444455556666", "us-east-1", "AKIABOB", "bob-secret"},
				{"111122223333", "eu-west-1", "AKIAECRLINKTEST", "secret"},
			} {
				api := ecr.New(ecr.Options{Region: tc.region, BaseEndpoint: aws.String("http://api.ecr." + tc.region + ".amazonaws.com:" + port),
					HTTPClient: inst.HTTPClient(), RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider(tc.key, tc.secret, "")})
				if _, err := api.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}); err != nil {
					t.Fatal(err)
				}
				rec := &recorder{next: inst.HTTPClient().Transport}
				opts := []remote.Option{remote.WithAuth(loginWith(t, api)), remote.WithTransport(rec)}
				ref, _ := name.ParseReference(tc.account+".dkr.ecr."+tc.region+".amazonaws.com:"+port+"/app:1", name.Insecure)
				img, _ := random.Image(2048, 2)
				if err := remote.Write(ref, img, opts...); err != nil {
					t.Fatalf("push to %s in %s: %v", tc.account, tc.region, err)
				}
				readAll(t, ref, opts)
				bucket := "prod-" + tc.region + "-starport-layer-bucket.s3." + tc.region + ".amazonaws.com:" + port
				fetched := 0
				for _, r := range rec.reqs {
					if r.URL.Host == bucket {
						fetched++
					}
				}
				if fetched < 3 { // the config and two layers
					t.Errorf("%s in %s: %d requests reached %s, want 3", tc.account, tc.region, fetched, bucket)
				}
			}
		})
	}
}

// readAll pulls ref and reads every layer, verifying its digest.
func readAll(t *testing.T, ref name.Reference, opts []remote.Option) {
	t.Helper()
	got, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := got.ConfigFile(); err != nil {
		t.Fatalf("config: %v", err)
	}
	layers, _ := got.Layers()
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("layer of %s: %v", ref, err)
		}
		rc.Close()
	}
}
