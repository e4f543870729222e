package registry

import (
	"context"
	"net/http"
	"strings"
)

// Account settings ECR knows, with their values and defaults
// (PutAccountSetting in the API model).
var accountSettings = map[string]struct {
	values []string
	dflt   string
}{
	"BASIC_SCAN_TYPE_VERSION": {[]string{"AWS_NATIVE", "CLAIR"}, "AWS_NATIVE"},
	"REGISTRY_POLICY_SCOPE":   {[]string{"V2"}, "V2"},
	"BLOB_MOUNTING":           {[]string{"ENABLED", "DISABLED"}, "DISABLED"},
}

// accountSetting returns a setting's current value.
func (s *registry) accountSetting(ctx context.Context, name string) (string, error) {
	m, err := s.getRegistryMeta(ctx)
	if err != nil {
		return "", err
	}
	if v, ok := m.Settings[name]; ok {
		return v, nil
	}
	return accountSettings[name].dflt, nil
}

func checkSettingName(name string) error {
	if _, ok := accountSettings[name]; !ok {
		return &APIError{Type: "ValidationException", Message: "Invalid account setting name: " + name +
			". Valid names: BASIC_SCAN_TYPE_VERSION, REGISTRY_POLICY_SCOPE, BLOB_MOUNTING", Status: http.StatusBadRequest}
	}
	return nil
}

func getAccountSetting(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkSettingName(in.Name); err != nil {
		return nil, err
	}
	v, err := s.accountSetting(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	return map[string]string{"name": in.Name, "value": v}, nil
}

func putAccountSetting(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkSettingName(in.Name); err != nil {
		return nil, err
	}
	valid := accountSettings[in.Name].values
	if !contains(valid, in.Value) {
		return nil, apiErr("ValidationException", "Invalid value '%s' for account setting %s. Valid values: %s",
			in.Value, in.Name, strings.Join(valid, ", "))
	}
	_, err := s.updateRegistryMeta(ctx, func(m *registryMeta) error {
		if m.Settings == nil {
			m.Settings = map[string]string{}
		}
		m.Settings[in.Name] = in.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]string{"name": in.Name, "value": in.Value}, nil
}
