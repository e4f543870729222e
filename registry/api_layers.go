package registry

import "context"

// Placeholders replaced by the implementation of api_layers.go in this session.
func batchCheckLayerAvailability(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func getDownloadURLForLayer(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func initiateLayerUpload(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func uploadLayerPart(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
func completeLayerUpload(ctx context.Context, s *Service, body []byte) (any, error) {
	return nil, errNotImplemented
}
