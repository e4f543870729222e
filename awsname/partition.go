package awsname

import (
	"regexp"
	"strings"
)

// Partition is an AWS partition (ECR-FACTS §1.3).
type Partition struct {
	// ID is the partition as ARNs spell it: aws, aws-cn, aws-us-gov, ...
	ID string
	// DNSSuffix is the suffix of the partition's service names.
	DNSSuffix string
	// DualStackSuffix is the suffix of the dual-stack API names; empty
	// where the partition has none.
	DualStackSuffix string
	// RegistryDualStackSuffix is the suffix of the dual-stack registry
	// names; empty where the partition has none.
	RegistryDualStackSuffix string
}

var (
	partitionAWS   = Partition{ID: "aws", DNSSuffix: "amazonaws.com", DualStackSuffix: "api.aws", RegistryDualStackSuffix: "on.aws"}
	partitionGov   = Partition{ID: "aws-us-gov", DNSSuffix: "amazonaws.com", DualStackSuffix: "api.aws", RegistryDualStackSuffix: "on.aws"}
	partitionChina = Partition{ID: "aws-cn", DNSSuffix: "amazonaws.com.cn",
		DualStackSuffix: "api.amazonwebservices.com.cn", RegistryDualStackSuffix: "on.amazonwebservices.com.cn"}
	partitionEUSC = Partition{ID: "aws-eusc", DNSSuffix: "amazonaws.eu"}
	partitionISO  = Partition{ID: "aws-iso", DNSSuffix: "c2s.ic.gov"}
	partitionISOB = Partition{ID: "aws-iso-b", DNSSuffix: "sc2s.sgov.gov"}
	partitionISOE = Partition{ID: "aws-iso-e", DNSSuffix: "cloud.adc-e.uk"}
	partitionISOF = Partition{ID: "aws-iso-f", DNSSuffix: "csp.hci.ic.gov"}
)

// regionPrefixes maps region name prefixes to their partition; the first
// match wins, so longer prefixes come first.
var regionPrefixes = []struct {
	prefix string
	p      Partition
}{
	{"cn-", partitionChina},
	{"us-gov-", partitionGov},
	{"us-isob-", partitionISOB},
	{"us-isof-", partitionISOF},
	{"eu-isoe-", partitionISOE},
	{"us-iso-", partitionISO},
	{"eusc-", partitionEUSC},
}

// PartitionOf returns the partition of region; any region it does not
// recognise is in aws, as botocore's partitions.json has it.
func PartitionOf(region string) Partition {
	for _, rp := range regionPrefixes {
		if strings.HasPrefix(region, rp.prefix) {
			return rp.p
		}
	}
	return partitionAWS
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidRegion reports whether region is shaped like an AWS region name
// (us-east-1, us-gov-west-1, eusc-de-east-1).
func ValidRegion(region string) bool { return regionPattern.MatchString(region) }

var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// ValidAccount reports whether account is a 12-digit account id.
func ValidAccount(account string) bool { return accountPattern.MatchString(account) }

// RootARN is the ARN of account's root user in region's partition.
func RootARN(region, account string) string {
	return "arn:" + PartitionOf(region).ID + ":iam::" + account + ":root"
}
