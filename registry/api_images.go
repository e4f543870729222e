package registry

import "context"

// Placeholders replaced by the implementation of api_images.go in this session.
func batchGetImage(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func putImage(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func listImagesOp(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func describeImages(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func batchDeleteImage(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
