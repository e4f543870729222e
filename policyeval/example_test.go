package policyeval_test

import (
	"errors"
	"fmt"

	"github.com/ecrlink/ecrlink/policyeval"
)

func ExampleEvaluate() {
	repo, err := policyeval.Parse([]byte(`{"Version": "2008-10-17", "Statement": [{"Sid": "Pull",
		"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
		"Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}`), policyeval.KindRepository)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := &policyeval.Request{
		Principal: "arn:aws:sts::222222222222:assumed-role/ci/build-42",
		Action:    "ecr:BatchGetImage",
		Resource:  "arn:aws:ecr:us-east-1:111111111111:repository/app",
	}
	req.Context.Set("aws:SourceVpce", "vpce-1")
	d := policyeval.Evaluate(req, &policyeval.Set{Resource: repo, Endpoint: []*policyeval.Policy{policyeval.DefaultEndpointPolicy()}})
	fmt.Println(d.Effect, d.DeniedBy)
	fmt.Println(d.Message(req))
	// Output:
	// ImplicitlyDenied identity
	// User: arn:aws:sts::222222222222:assumed-role/ci/build-42 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no identity-based policy allows the ecr:BatchGetImage action
}

func ExampleParse() {
	_, err := policyeval.Parse([]byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:*\", \"Resource\": \"*\"}\n}"), policyeval.KindIdentity)
	var ve *policyeval.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Code, ve.Line, ve.Column)
		fmt.Println(ve.Message)
	}
	// Output:
	// UNSUPPORTED_ELEMENT 3 36
	// Policy document should not specify a principal.
}

func ExampleSimulate() {
	res, err := policyeval.Simulate([]byte(`{
		"request": {"principal": "arn:aws:iam::111122223333:user/dev", "action": "s3:GetObject",
			"resource": "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer"},
		"identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}],
		"endpointPolicies": [{"Statement": [{"Sid": "NoLayers", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Decision, *res.DeniedBy, res.Matched[1].Sid)
	fmt.Println(res.Message)
	// Output:
	// ExplicitlyDenied endpoint NoLayers
	// User: arn:aws:iam::111122223333:user/dev is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer" with an explicit deny in a VPC endpoint policy
}
