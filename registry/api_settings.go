package registry

import "context"

// Placeholders replaced by the implementation of api_settings.go in this session.
func putImageTagMutability(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func putImageScanningConfiguration(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func tagResource(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func untagResource(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func listTagsForResource(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func describeRegistry(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
