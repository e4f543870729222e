package registry

import "context"

// Placeholders replaced by the implementation of api_lifecycle.go in this session.
func putLifecyclePolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func getLifecyclePolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func deleteLifecyclePolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func startLifecyclePolicyPreview(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func getLifecyclePolicyPreview(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
