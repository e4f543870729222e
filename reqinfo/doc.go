// Package reqinfo is the one value every request carries through ecrlink:
// what was asked (the parsed host, the service, the journal's step, the ECR
// or S3 action and its resource), how the URIs handed back must be built so
// that they work when followed, the caller facts the network decided, and
// where authorization decisions are reported.
//
// The emulator computes it once per request, in one middleware around its
// whole router, and stores it in the request's context; registry and s3shim
// read it with From and derive nothing again. The classification itself
// (ClassifyRegistry, ClassifyAPI) is pure and exported, so that the journal,
// faults and `ecrlink explain` name requests exactly as the live path does.
package reqinfo
