// Package policyeval is AWS's IAM policy language as ecrlink needs it:
// parsing and validating identity, ECR repository, ECR registry, VPC
// interface endpoint and S3 gateway endpoint policies with AWS's own error
// texts, evaluating requests against any mix of them with AWS's decision
// logic, and rendering AWS's AccessDenied messages.
//
// It owns the grammar (POLICY-FACTS §3–§5), validation (§8, §9), the
// evaluation order across policy types (§2) and message rendering (§7).
// It is pure: standard library only, no I/O, no HTTP, and it must not
// import any other ecrlink package. The emulator decides who the caller is
// and which endpoint a request came through, and hands that down as a
// Caller in a context.Context; registry and s3shim build a Request from it
// and call Evaluate.
//
// Policies are compiled once by Parse and evaluated many times; Evaluate
// does not allocate.
package policyeval
