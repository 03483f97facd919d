package alicloud

// actions maps a service and an RPC action to its handler. Each per-API file
// (ecs_membership.go, ecs_rules.go, ens.go, ...) serves its own actions.
var actions = map[string]map[string]handler{
	"ecs": {
		// rules.go
		"AuthorizeSecurityGroupEgress":   authorizeEgress,
		"RevokeSecurityGroupEgress":      revokeEgress,
		"ModifySecurityGroupEgressRule":  modifyEgress,
		"DescribeSecurityGroupAttribute": describeAttribute,
	},
	"ens": {
		// rules.go
		"AuthorizeSecurityGroupEgress":   authorizeEgress,
		"RevokeSecurityGroupEgress":      revokeEgress,
		"DescribeSecurityGroupAttribute": describeAttribute,
	},
}
