// Package cwlogs is a small in-memory Amazon CloudWatch Logs API: the
// awslogs hop of a Fargate task (DESIGN.md "The request's journey", step 5),
// so that a real log driver or SDK can be pointed at ecrlink and see the
// service's answers, errors and denials.
//
// It serves the JSON 1.1 protocol (POST / with X-Amz-Target:
// Logs_20140328.<Op>) for CreateLogGroup, CreateLogStream, PutLogEvents,
// DescribeLogGroups, DescribeLogStreams and GetLogEvents, with the
// service's shapes, validation texts and pagination tokens. Everything is
// kept in memory and bounded: groups, streams per group, events per stream
// (a ring, oldest dropped) and the bytes of all events together.
//
// Like registry and s3shim it knows nothing of VPCs. The emulator stamps a
// reqinfo.Info on every request; cwlogs refuses a request without one and
// denies one without a network decision (Info.Caller). SigV4 is not
// verified: any access key acts as the root of Server.Account, as the
// registry does in its zero configuration, and every call is authorized
// against the endpoint policies the network decided. cwlogs may import
// policyeval, awsname and reqinfo; never emulator, registry, s3shim or cmd.
package cwlogs
