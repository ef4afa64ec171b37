package config

import (
	"fmt"
	"regexp"
	"strings"
)

// regionPattern is the form of every AWS region name, after the partitions'
// regionRegex in the AWS SDKs' partitions.json: a two-letter area, an
// optional partition infix (gov, iso, isob, isoe, isof), a compass
// direction and a number; or the European Sovereign Cloud's eusc-<country>-….
var regionPattern = regexp.MustCompile(`^(([a-z]{2}(-(gov|iso|isob|isoe|isof))?)|eusc-[a-z]{2})` +
	`-(east|west|north|south|central|northeast|northwest|southeast|southwest)-[1-9][0-9]?$`)

// knownRegions are the AWS regions, in every partition, as of 2026. A
// well-formed name not listed here is a warning: it may be newer than lambdev.
var knownRegions = []string{
	// aws
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
	"ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
	"mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	// aws-cn
	"cn-north-1", "cn-northwest-1",
	// aws-us-gov
	"us-gov-east-1", "us-gov-west-1",
	// aws-iso, aws-iso-b, aws-iso-e, aws-iso-f
	"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1",
	"us-isof-east-1", "us-isof-south-1",
	// aws-eusc
	"eusc-de-east-1",
}

// Partition is the ARN partition of region: "aws", or "aws-cn", "aws-us-gov",
// "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f" or "aws-eusc" for the
// regions of those partitions (partitions.json in the AWS SDKs).
func Partition(region string) string {
	for _, p := range []struct{ prefix, partition string }{
		{"cn-", "aws-cn"}, {"us-gov-", "aws-us-gov"}, {"us-isob-", "aws-iso-b"}, {"eu-isoe-", "aws-iso-e"},
		{"us-isof-", "aws-iso-f"}, {"us-iso-", "aws-iso"}, {"eusc-", "aws-eusc"},
	} {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

const regionExamples = "regions look like us-east-1, eu-west-2, us-gov-west-1 or cn-north-1"

// region reads region:. A name that cannot be a region is an error; a
// well-formed one lambdev does not know is a warning, so new regions work.
func (d *decoder) region(p *Project, top map[string]pair) {
	p.Region = DefaultRegion
	pr, ok := top["region"]
	if !ok {
		return
	}
	v, ok := d.str(pr.v, "region")
	if !ok {
		return
	}
	at := pos(pr.v)
	if !regionPattern.MatchString(v) {
		d.hintf(at, regionHint(v, regionExamples), "region %q is not an AWS region name", v)
		return
	}
	if !contains(knownRegions, v) {
		d.warnf(at, regionHint(v, "if it is a region newer than lambdev, ignore this warning"),
			"region %q is not one lambdev knows", v)
	}
	p.Region = v
}

// regionHint suggests a known region close to v, else returns fallback.
func regionHint(v, fallback string) string {
	if c := closest(v, knownRegions); c != "" && c != v {
		return fmt.Sprintf("did you mean `%s`?", c)
	}
	return fallback
}
