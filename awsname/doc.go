// Package awsname knows AWS's names as ECR and PrivateLink use them: the
// partitions and their DNS suffixes, the grammar of every hostname ecrlink
// serves (registry, API, starport bucket, CloudWatch Logs; FIPS, dual-stack
// and vpce-specific forms), ARNs, and the layer bucket's name and key shape
// (ECR-FACTS §1, §5).
//
// Names are parsed once, at the edge, into values; past the edge code
// compares fields, never strings. Formatting a parsed value gives back the
// name it was parsed from, lower-cased and without a trailing dot.
//
// The package is pure and imports only the standard library, so that the
// decision code (emulator/netmodel) and the services can all stand on it.
package awsname
