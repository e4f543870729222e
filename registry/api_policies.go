package registry

import "context"

// Placeholders replaced by the implementation of api_policies.go in this session.
func setRepositoryPolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func getRepositoryPolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func deleteRepositoryPolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func putRegistryPolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func getRegistryPolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func deleteRegistryPolicy(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
