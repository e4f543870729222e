package metastore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/minio/minio-go/v7"
)

// S3 is the Store in a bucket: one object per key, its name the key after
// a prefix (ecrlink's is ROOT/meta/). A single PUT is atomic, as DESIGN.md
// asks.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

// NewS3 returns the Store in bucket, which must exist, under prefix.
func NewS3(client *minio.Client, bucket, prefix string) *S3 {
	return &S3{client: client, bucket: bucket, prefix: prefix}
}

func (s *S3) object(key string) string { return s.prefix + key }

func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	o, err := s.client.GetObject(ctx, s.bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("meta %s: %w", key, err)
	}
	defer o.Close()
	b, err := io.ReadAll(io.LimitReader(o, 16<<20))
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, fmt.Errorf("meta %s: %w", key, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("meta %s: %w", key, err)
	}
	return b, nil
}

func (s *S3) Put(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, s.bucket, s.object(key), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true})
	if err != nil {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	return nil
}

func (s *S3) Delete(ctx context.Context, key string) error {
	err := s.client.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	return nil
}

func (s *S3) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.object(prefix), Recursive: true}) {
		if o.Err != nil {
			return nil, fmt.Errorf("meta list %s: %w", prefix, o.Err)
		}
		keys = append(keys, strings.TrimPrefix(o.Key, s.prefix))
	}
	return keys, nil // ListObjects is in key order
}
