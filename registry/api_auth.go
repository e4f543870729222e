package registry

import (
	"context"
)

type authorizationData struct {
	AuthorizationToken string `json:"authorizationToken"`
	ExpiresAt          epoch  `json:"expiresAt"`
	ProxyEndpoint      string `json:"proxyEndpoint"`
}

// getAuthorizationToken mints a 12-hour token for the caller. registryIds is
// deprecated and "doesn't change the permissions scope" (ECR-FACTS §3), so
// it only shapes the answer.
func getAuthorizationToken(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryIDs []string `json:"registryIds"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.RegistryIDs) > 10 {
		return nil, invalidParam("registryIds", "Member must have length less than or equal to 10")
	}
	for _, id := range in.RegistryIDs {
		if err := validRegistryID(id); err != nil {
			return nil, err
		}
	}
	token, exp := s.tokens.Issue(principalFrom(ctx), s.account, s.region, s.settings(ctx).tokenLifetime)
	data := []authorizationData{{token, epoch(exp), s.registryURL(ctx).String()}}
	return map[string]any{"authorizationData": data}, nil
}
