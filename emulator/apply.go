package emulator

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/registry"
)

// apply makes sc the world requests are decided in; nil is the plain
// world. The registries, repositories and policies it states are set
// first, then the world, which carries its identities and token lifetime,
// is swapped in whole: requests under way keep the world they started
// with. sc has been parsed,
// so what is left to fail is storage.
func (s *Server) apply(ctx context.Context, sc *scenario.Scenario) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	return s.applyLocked(ctx, sc)
}

// applyLocked is apply with applyMu held. The caller going away does not
// stop it half way: ctx's values are kept, its cancellation is not.
func (s *Server) applyLocked(ctx context.Context, sc *scenario.Scenario) error {
	ctx = context.WithoutCancel(ctx)
	if sc == nil {
		w, err := plainWorld(s.svc.Home(), s.cfg.Identities)
		if err != nil {
			return err
		}
		s.world.Store(w)
		return nil
	}
	w, err := scenarioWorld(sc)
	if err != nil {
		return err
	}
	if err := s.applyRegistries(ctx, sc); err != nil {
		return err
	}
	s.world.Store(w)
	return nil
}

// applyRegistries serves the scenario's registries and sets what it says
// of their repositories and policies.
func (s *Server) applyRegistries(ctx context.Context, sc *scenario.Scenario) error {
	type registrySpec struct {
		id     awsname.Registry
		repos  []scenario.Repository
		policy scenario.Policy
	}
	specs := []registrySpec{{awsname.Registry{Account: sc.Account, Region: sc.Region}, sc.Repositories, sc.RegistryPolicy}}
	for _, r := range sc.Registries {
		specs = append(specs, registrySpec{awsname.Registry{Account: r.Account, Region: r.Region}, r.Repositories, r.RegistryPolicy})
	}
	for _, spec := range specs {
		if err := s.svc.AddRegistry(ctx, spec.id); err != nil {
			return err
		}
		if err := s.svc.ApplyRegistryPolicy(ctx, spec.id, string(spec.policy)); err != nil {
			return err
		}
		for _, repo := range spec.repos {
			err := s.svc.ApplyRepository(ctx, spec.id, registry.RepositorySpec{Name: repo.Name,
				TagMutability: repo.ImageTagMutability, Policy: string(repo.Policy)})
			if err != nil {
				return fmt.Errorf("registry %s in %s: %w", spec.id.Account, spec.id.Region, err)
			}
		}
	}
	return nil
}

// settingsOf is what the scenario decides of ECR beside the network: its
// identities (with none, any key acts as the account root, as in plain
// ECR; with some, only theirs are accepted) and the token lifetime.
func settingsOf(sc *scenario.Scenario) (*registry.Settings, error) {
	ids := make([]registry.Identity, len(sc.Identities))
	for i, id := range sc.Identities {
		ids[i] = registry.Identity{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey,
			Principal: id.Principal, Tags: id.Tags}
		for _, p := range id.Policies {
			ids[i].Policies = append(ids[i].Policies, string(p))
		}
	}
	return registry.NewSettings(ids, len(ids) > 0, time.Duration(sc.Tokens.Lifetime))
}

// Scenario is the scenario in force, nil for plain ECR.
func (s *Server) Scenario() *scenario.Scenario { return s.world.Load().sc }

// SetScenario replaces the scenario in force (nil: plain ECR). sc must come
// from scenario.Parse.
func (s *Server) SetScenario(ctx context.Context, sc *scenario.Scenario) error {
	return s.apply(ctx, sc)
}

// Scenario is a parsed scenario (see package scenario).
type Scenario = scenario.Scenario

// MaxScenarioSize bounds a scenario document (scenario.MaxSize).
const MaxScenarioSize = scenario.MaxSize

// ParseScenario parses and validates a scenario document, YAML or JSON;
// its errors are a scenario.Errors naming each field's path and line.
func ParseScenario(data []byte) (*Scenario, error) { return scenario.Parse(data) }

// ScenarioSchema is the JSON Schema of scenario documents.
func ScenarioSchema() []byte { return scenario.Schema() }

// OpenJournalFile opens path for appending journal records (Config.JournalFile).
func OpenJournalFile(path string) (*os.File, error) { return journal.OpenFile(path) }
