package policyeval

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseEvaluate parses arbitrary documents as every kind and, when one
// parses, evaluates it in every slot against a handful of requests. It
// checks that nothing panics, that a rejection is a *ValidationError with
// a message, and that evaluation terminates with a consistent Decision.
// Seeded with every document of the test corpora.
func FuzzParseEvaluate(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add([]byte(seed), "arn:aws:ecr:us-east-1:111111111111:repository/app", "vpce-1")
	}
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:*${aws:username}?*"}}`), "*", "")
	requests := fuzzRequests()
	f.Fuzz(func(t *testing.T, docBytes []byte, resource, vpce string) {
		for k := KindIdentity; k <= KindS3Gateway; k++ {
			p, err := Parse(docBytes, k)
			if err != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Message == "" || ve.Error() == "" {
					t.Fatalf("Parse(%s) error %v is not a usable *ValidationError", k, err)
				}
				continue
			}
			for _, set := range []*Set{{Identity: []*Policy{p}}, {Resource: p}, {Registry: p}, {Endpoint: []*Policy{p}}} {
				for _, req := range requests {
					r := *req
					if resource != "" {
						r.Resource = resource
					}
					r.Context = req.Context.Clone()
					r.Context.Set("aws:SourceVpce", vpce)
					checkDecision(t, &r, Evaluate(&r, set))
				}
			}
		}
	})
}

func checkDecision(t *testing.T, req *Request, d Decision) {
	t.Helper()
	msg := d.Message(req)
	switch {
	case d.Effect == Allowed && (d.DeniedBy != PolicyNone || msg != ""):
		t.Fatalf("allowed with DeniedBy %v, message %q", d.DeniedBy, msg)
	case d.Effect != Allowed && (d.DeniedBy == PolicyNone || !strings.HasPrefix(msg, "User: ")):
		t.Fatalf("%v with DeniedBy %v, message %q", d.Effect, d.DeniedBy, msg)
	}
}

func fuzzRequests() []*Request {
	var ctx Context
	ctx.Set("aws:SourceIp", "203.0.113.5")
	ctx.Set("aws:PrincipalTag/team", "blue")
	ctx.Set("aws:TagKeys", "team", "env")
	ctx.Set("aws:CurrentTime", "2025-06-01T12:00:00Z")
	ctx.Set("s3:max-keys", "10")
	return []*Request{
		{Principal: sessionR, Action: "ecr:BatchGetImage", Resource: repoApp, Context: ctx},
		{Principal: rootB, Action: "ecr:GetAuthorizationToken", Resource: "*", Context: ctx},
		{Principal: "", Action: "s3:GetObject", Resource: starport, Context: ctx},
		{Principal: userA, Action: "ECR:PutImage", Resource: repoOther, ResourceAccount: acctB, Context: ctx},
	}
}

// fuzzSeeds gathers the documents of every test table.
func fuzzSeeds() []string {
	seeds := []string{defaultEndpointDocument, simulateExample}
	for _, tc := range motoInvalid {
		seeds = append(seeds, tc.doc)
	}
	for _, tc := range motoValid {
		seeds = append(seeds, tc.doc)
	}
	for _, tc := range arsenalCases {
		seeds = append(seeds, tc.policies...)
	}
	return seeds
}
