package registry

import (
	"context"
	"errors"
	"time"

	"github.com/distribution/distribution/v3/registry/storage"
)

// uploadMaxAge is how long an interrupted upload's parts are kept before
// the purger removes them; the embedded registry purges hourly (embed.go).
const uploadMaxAge = 24 * time.Hour

// PurgeUploads removes the parts of uploads started before olderThan and
// never completed, returning how many it removed. An interrupted upload is
// never visible as a layer; this reclaims its space. The registry runs it by
// itself every hour for uploads older than a day.
func (s *Service) PurgeUploads(ctx context.Context, olderThan time.Time) (int, error) {
	n := 0
	var errs []error
	for _, g := range *s.registries.Load() {
		deleted, err := g.purgeUploads(ctx, olderThan)
		n += deleted
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

func (s *registry) purgeUploads(ctx context.Context, olderThan time.Time) (int, error) {
	deleted, errs := storage.PurgeUploads(ctx, s.driver, olderThan, true)
	return len(deleted), errors.Join(errs...)
}
