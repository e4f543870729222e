package registry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/s3-aws" // registers "s3"
	"github.com/ecrlink/ecrlink/awsname"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// S3Config keeps layers, manifests and ecrlink's metadata in one S3 bucket
// (MinIO), so that several ecrlink processes can share a store.
type S3Config struct {
	// Endpoint is the server's URL; its scheme decides TLS, e.g.
	// http://127.0.0.1:9000. Required.
	Endpoint string
	// Bucket is created if missing. Required.
	Bucket    string
	AccessKey string
	SecretKey string
	// Region is the bucket's region; empty means "us-east-1".
	Region string
	// RootDirectory prefixes every object ecrlink writes; empty means
	// "ecrlink".
	RootDirectory string
	// SkipVerify disables TLS certificate verification (testing only).
	SkipVerify bool
}

func (c *S3Config) withDefaults() {
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.RootDirectory == "" {
		c.RootDirectory = "ecrlink"
	}
	c.RootDirectory = strings.Trim(c.RootDirectory, "/")
}

func (c *S3Config) validate() error {
	var errs []error
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		errs = append(errs, fmt.Errorf("s3 endpoint %q: want http(s)://host[:port]", c.Endpoint))
	}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		errs = append(errs, fmt.Errorf("s3 bucket %q: %w", c.Bucket, err))
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		errs = append(errs, errors.New("s3 access key and secret key are required"))
	}
	return errors.Join(errs...)
}

// driverParameters are distribution's S3 driver settings for c, for the
// registry kept under dir. Over plain HTTP there is no certificate to
// verify, and skipverify is what makes the driver build an http.Client of
// its own: without one, aws-sdk-go's session loads AWS_CA_BUNDLE into
// http.DefaultClient, a write to global state that races with every other
// user of it (go test -race caught it with two registries starting).
func (c *S3Config) driverParameters(dir string) configuration.Parameters {
	u, _ := url.Parse(c.Endpoint)
	return configuration.Parameters{
		"accesskey": c.AccessKey, "secretkey": c.SecretKey, "region": c.Region,
		"regionendpoint": c.Endpoint, "bucket": c.Bucket, "rootdirectory": "/" + path.Join(c.RootDirectory, dir, "registry"),
		"forcepathstyle": true, "secure": u.Scheme == "https", "skipverify": c.SkipVerify || u.Scheme == "http", "v4auth": true,
	}
}

// connectS3 returns a minio-go client for c, with the bucket in place. It
// fails fast, saying what to check, when the server is unreachable or the
// credentials are wrong.
func connectS3(ctx context.Context, c *S3Config) (*minio.Client, error) {
	u, _ := url.Parse(c.Endpoint)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if c.SkipVerify {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Secure: u.Scheme == "https",
		Region: c.Region, Transport: tr, MaxRetries: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 endpoint %s: %w", c.Endpoint, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	exists, err := bucketExists(ctx, client, c.Bucket)
	if err != nil {
		return nil, explainS3Error(c, err)
	}
	if !exists {
		err := client.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{Region: c.Region})
		if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
			return nil, explainS3Error(c, err)
		}
	}
	return client, nil
}

// bucketExists asks once, and again while a MinIO that has just started
// says it is still initialising: that is a server on its way up, not a
// misconfiguration, so it is not worth failing a start-up for.
func bucketExists(ctx context.Context, client *minio.Client, bucket string) (bool, error) {
	for {
		exists, err := client.BucketExists(ctx, bucket)
		if minio.ToErrorResponse(err).Code != "XMinioServerNotInitialized" {
			return exists, err
		}
		select {
		case <-ctx.Done():
			return false, err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func explainS3Error(c *S3Config, err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied":
		return fmt.Errorf("s3 %s bucket %s: the server refused the credentials; check --s3-access-key and --s3-secret-key: %w", c.Endpoint, c.Bucket, err)
	}
	return fmt.Errorf("s3 %s bucket %s: cannot reach the server; check that MinIO is running at --s3-endpoint and that TLS settings match its scheme: %w", c.Endpoint, c.Bucket, err)
}

// MinIO returns the client and bucket of an S3-backed Service, and where
// in the bucket each registry keeps its blobs, for s3shim to read layer
// bytes; ok is false for other storage. root is false for a registry not
// served.
func (s *Service) MinIO() (client *minio.Client, bucket string, root func(awsname.Registry) (string, bool), ok bool) {
	if s.s3 == nil {
		return nil, "", nil, false
	}
	root = func(id awsname.Registry) (string, bool) {
		g, ok := s.lookup(id)
		if !ok {
			return "", false
		}
		return g.s3Root, true
	}
	return s.s3, s.cfg.S3.Bucket, root, true
}
