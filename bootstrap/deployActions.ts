/**
 * The writes the deploy role may make, per resource type the program declares (DEPLOY_ACTIONS),
 * and the grants the reference data does not know (REFERENCE_GAPS): plain data, used by
 * permissions.ts, which turns it into policy statements over its RESOURCES patterns, and checked
 * by tests/bootstrap against AWS's service reference.
 */

/**
 * Grants the reference data we check against does not know, each with why it is right. ELB (v1)
 * and ELB v2 share the `elasticloadbalancing` prefix and the data keeps one page per prefix: it
 * lists AddTags and RemoveTags on `loadbalancer` only, where the v2 API tags "Application Load
 * Balancers, …, target groups, trust stores, listeners, and rules" (Elastic Load Balancing API
 * Reference, AddTags) and the Service Authorization Reference's "Elastic Load Balancing V2" page
 * lists `targetgroup` for both.
 */
export const REFERENCE_GAPS = ["elasticloadbalancing:AddTags on elasticloadbalancing:targetgroup", "elasticloadbalancing:RemoveTags on elasticloadbalancing:targetgroup"];

/** action → the RESOURCES keys (permissions.ts) it is granted on; [] for an action that takes only "*". */
export type Grants = Record<string, string[]>;

const tags = (service: string, keys: string[]): Grants => ({ [`${service}:CreateTags`]: keys, [`${service}:DeleteTags`]: keys });
/** The same for the services that tag with TagResource and UntagResource. */
const tagResource = (service: string, keys: string[]): Grants => ({ [`${service}:TagResource`]: keys, [`${service}:UntagResource`]: keys });

/**
 * The writes `pulumi up` makes for each resource type the program declares: create, update in
 * place, delete, tag. Each action lists the resource types the Service Authorization Reference says
 * it is authorized on that the program's request involves (CreateSubnet: the subnet and its VPC);
 * tests/bootstrap fails if a type is not one the action takes, or a type the action requires is
 * missing. Types not on AWS (Atlas, random, the Docker build's local side) need nothing here.
 */
export const DEPLOY_ACTIONS: Record<string, Grants> = {
    "aws:ec2/vpc:Vpc": { "ec2:CreateVpc": ["ec2:vpc"], "ec2:DeleteVpc": ["ec2:vpc"], "ec2:ModifyVpcAttribute": ["ec2:vpc"], ...tags("ec2", ["ec2:vpc"]) },
    "aws:ec2/subnet:Subnet": { "ec2:CreateSubnet": ["ec2:subnet", "ec2:vpc"], "ec2:DeleteSubnet": ["ec2:subnet"], "ec2:ModifySubnetAttribute": ["ec2:subnet"], ...tags("ec2", ["ec2:subnet"]) },
    "aws:ec2/routeTable:RouteTable": {
        "ec2:CreateRouteTable": ["ec2:route-table", "ec2:vpc"],
        "ec2:DeleteRouteTable": ["ec2:route-table"],
        "ec2:CreateRoute": ["ec2:route-table"],
        "ec2:ReplaceRoute": ["ec2:route-table"],
        "ec2:DeleteRoute": ["ec2:route-table"],
        ...tags("ec2", ["ec2:route-table"]),
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { "ec2:AssociateRouteTable": ["ec2:route-table", "ec2:subnet"], "ec2:DisassociateRouteTable": ["ec2:route-table", "ec2:subnet"] },
    "aws:ec2/internetGateway:InternetGateway": {
        "ec2:CreateInternetGateway": ["ec2:internet-gateway"],
        "ec2:DeleteInternetGateway": ["ec2:internet-gateway"],
        "ec2:AttachInternetGateway": ["ec2:internet-gateway", "ec2:vpc"],
        "ec2:DetachInternetGateway": ["ec2:internet-gateway", "ec2:vpc"],
        ...tags("ec2", ["ec2:internet-gateway"]),
    },
    "aws:ec2/eip:Eip": { "ec2:AllocateAddress": ["ec2:elastic-ip"], "ec2:ReleaseAddress": ["ec2:elastic-ip"], "ec2:DisassociateAddress": ["ec2:elastic-ip"], ...tags("ec2", ["ec2:elastic-ip"]) },
    "aws:ec2/natGateway:NatGateway": { "ec2:CreateNatGateway": ["ec2:natgateway", "ec2:elastic-ip", "ec2:subnet"], "ec2:DeleteNatGateway": ["ec2:natgateway"], ...tags("ec2", ["ec2:natgateway"]) },
    "aws:ec2/securityGroup:SecurityGroup": {
        "ec2:CreateSecurityGroup": ["ec2:security-group", "ec2:vpc"],
        "ec2:DeleteSecurityGroup": ["ec2:security-group"],
        // The provider revokes the default allow-all egress rule AWS adds to a new group.
        "ec2:RevokeSecurityGroupEgress": ["ec2:security-group"],
        "ec2:RevokeSecurityGroupIngress": ["ec2:security-group"],
        ...tags("ec2", ["ec2:security-group"]),
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        "ec2:AuthorizeSecurityGroupIngress": ["ec2:security-group", "ec2:security-group-rule"],
        "ec2:RevokeSecurityGroupIngress": ["ec2:security-group"],
        "ec2:ModifySecurityGroupRules": ["ec2:security-group", "ec2:security-group-rule"],
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress": ["ec2:security-group"],
        ...tags("ec2", ["ec2:security-group-rule"]),
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        "ec2:AuthorizeSecurityGroupEgress": ["ec2:security-group", "ec2:security-group-rule"],
        "ec2:RevokeSecurityGroupEgress": ["ec2:security-group"],
        "ec2:ModifySecurityGroupRules": ["ec2:security-group", "ec2:security-group-rule"],
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress": ["ec2:security-group"],
        ...tags("ec2", ["ec2:security-group-rule"]),
    },
    // CreateFlowLogs with the VPC as its resource, tagged at creation (TagSpecifications); updates are
    // tags only; delete is DeleteFlowLogs (resourceLogFlowCreate, …Update, …Delete,
    // internal/service/ec2/vpc_flow_log.go). Publishing to CloudWatch Logs passes the flow log's
    // role (iam:PassRole to vpc-flow-logs.amazonaws.com, PASSED_TO_SERVICES).
    "aws:ec2/flowLog:FlowLog": {
        "ec2:CreateFlowLogs": ["ec2:vpc-flow-log", "ec2:vpc"],
        "ec2:DeleteFlowLogs": ["ec2:vpc-flow-log"],
        ...tags("ec2", ["ec2:vpc-flow-log"]),
    },
    // The VPC peering of a region-loss pair (lib/peering.ts): the standby requests (authorized on its
    // own VPC, the requester's), the primary accepts (its own VPC, the accepter's), each in its region.
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": { "ec2:CreateVpcPeeringConnection": ["ec2:vpc-peering-connection", "ec2:vpc"], "ec2:DeleteVpcPeeringConnection": ["ec2:vpc-peering-connection"], ...tags("ec2", ["ec2:vpc-peering-connection"]) },
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": { "ec2:AcceptVpcPeeringConnection": ["ec2:vpc-peering-connection", "ec2:vpc"], ...tags("ec2", ["ec2:vpc-peering-connection"]) },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        "ec2:CreateVpcEndpoint": ["ec2:vpc-endpoint", "ec2:vpc", "ec2:subnet", "ec2:security-group", "ec2:route-table"],
        "ec2:ModifyVpcEndpoint": ["ec2:vpc-endpoint", "ec2:subnet", "ec2:security-group", "ec2:route-table"],
        "ec2:DeleteVpcEndpoints": ["ec2:vpc-endpoint"],
        ...tags("ec2", ["ec2:vpc-endpoint"]),
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        "elasticloadbalancing:CreateLoadBalancer": ["elasticloadbalancing:loadbalancer"],
        "elasticloadbalancing:DeleteLoadBalancer": ["elasticloadbalancing:loadbalancer"],
        "elasticloadbalancing:ModifyLoadBalancerAttributes": ["elasticloadbalancing:loadbalancer"],
        "elasticloadbalancing:SetSecurityGroups": ["elasticloadbalancing:loadbalancer/app/"],
        "elasticloadbalancing:SetSubnets": ["elasticloadbalancing:loadbalancer/app/"],
        "elasticloadbalancing:AddTags": ["elasticloadbalancing:loadbalancer"],
        "elasticloadbalancing:RemoveTags": ["elasticloadbalancing:loadbalancer"],
    },
    "aws:lb/targetGroup:TargetGroup": {
        "elasticloadbalancing:CreateTargetGroup": ["elasticloadbalancing:targetgroup"],
        "elasticloadbalancing:DeleteTargetGroup": ["elasticloadbalancing:targetgroup"],
        "elasticloadbalancing:ModifyTargetGroup": ["elasticloadbalancing:targetgroup"],
        "elasticloadbalancing:ModifyTargetGroupAttributes": ["elasticloadbalancing:targetgroup"],
        // The target groups are tagged at creation, which ELB authorizes as AddTags on the target group.
        "elasticloadbalancing:AddTags": ["elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup"],
        "elasticloadbalancing:RemoveTags": ["elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup"],
    },
    "aws:lb/listener:Listener": {
        "elasticloadbalancing:CreateListener": ["elasticloadbalancing:loadbalancer/app/"],
        "elasticloadbalancing:ModifyListener": ["elasticloadbalancing:listener/app"],
        "elasticloadbalancing:DeleteListener": ["elasticloadbalancing:listener/app"],
    },
    "aws:lb/listenerRule:ListenerRule": {
        "elasticloadbalancing:CreateRule": ["elasticloadbalancing:listener/app"],
        "elasticloadbalancing:ModifyRule": ["elasticloadbalancing:listener-rule/app"],
        "elasticloadbalancing:SetRulePriorities": ["elasticloadbalancing:listener-rule/app"],
        "elasticloadbalancing:DeleteRule": ["elasticloadbalancing:listener-rule/app"],
    },
    "aws:acm/certificate:Certificate": {
        "acm:RequestCertificate": [],
        "acm:DeleteCertificate": ["acm:certificate"],
        "acm:AddTagsToCertificate": ["acm:certificate"],
        "acm:RemoveTagsFromCertificate": ["acm:certificate"],
    },
    // Waits for ISSUED by reading the certificate: nothing to write.
    "aws:acm/certificateValidation:CertificateValidation": {},
    "aws:route53/record:Record": { "route53:ChangeResourceRecordSets": ["route53:hostedzone"], "route53:GetChange": ["route53:change"] },
    // A warm standby's gate (components/failover.ts): CreateHealthCheck takes only "*"; tags go
    // through ChangeTagsForResource, which AWS authorizes on health checks and hosted zones together.
    // Route 53 lists no other permission for creating or updating one, the CloudWatch-alarm kind
    // included (Route 53 Developer Guide, "Amazon Route 53 API permissions: Actions, resources, and
    // conditions reference": CreateHealthCheck, UpdateHealthCheck, ChangeTagsForResource); a read of
    // the alarm as the caller (cloudwatch:DescribeAlarms) would be ReadOnlyAccess's.
    "aws:route53/healthCheck:HealthCheck": {
        "route53:CreateHealthCheck": [],
        "route53:UpdateHealthCheck": ["route53:healthcheck"],
        "route53:DeleteHealthCheck": ["route53:healthcheck"],
        "route53:ChangeTagsForResource": ["route53:healthcheck", "route53:hostedzone"],
    },
    "aws:wafv2/webAcl:WebAcl": {
        "wafv2:CreateWebACL": ["wafv2:webacl", "wafv2:managedruleset"],
        "wafv2:UpdateWebACL": ["wafv2:webacl", "wafv2:managedruleset"],
        "wafv2:DeleteWebACL": ["wafv2:webacl"],
        ...tagResource("wafv2", ["wafv2:webacl"]),
    },
    "aws:wafv2/webAclAssociation:WebAclAssociation": {
        "wafv2:AssociateWebACL": ["wafv2:webacl", "wafv2:loadbalancer/app/"],
        "wafv2:DisassociateWebACL": ["wafv2:loadbalancer/app/"],
        // WAF associates an ACL with a load balancer on the caller's behalf (AWS WAF Developer Guide,
        // "Permissions for associating a web ACL"); the action takes only "*".
        "elasticloadbalancing:SetWebAcl": [],
    },
    // PutLoggingConfiguration on create and update, DeleteLoggingConfiguration on delete
    // (internal/service/wafv2/web_acl_logging_configuration.go). Logging to CloudWatch Logs also sets
    // up a vended-log delivery to the group as the caller (AWS WAF Developer Guide, Amazon CloudWatch
    // Logs destination, "Permissions required to publish logs to Amazon CloudWatch Logs",
    // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html): logs:CreateLogDelivery,
    // logs:DeleteLogDelivery, logs:PutResourcePolicy, logs:DescribeResourcePolicies and
    // logs:DescribeLogGroups (the last three as for any vended log, CloudWatch Logs User Guide, "Logs
    // sent to CloudWatch Logs", user permissions). These take only "*".
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": {
        "wafv2:PutLoggingConfiguration": ["wafv2:webacl"],
        "wafv2:DeleteLoggingConfiguration": ["wafv2:webacl"],
        "logs:CreateLogDelivery": [],
        "logs:DeleteLogDelivery": [],
        "logs:PutResourcePolicy": [],
        "logs:DescribeResourcePolicies": [],
        "logs:DescribeLogGroups": [],
    },
    // The egress firewall (components/egressFirewall.ts), from terraform-provider-aws
    // internal/service/networkfirewall: a rule group and a policy are created, updated in place and
    // deleted (rule_group.go, firewall_policy.go; the policy references the rule group, so its writes
    // name it too); the firewall is created, its subnets associated and disassociated, its policy,
    // description and protections updated, and deleted (firewall.go resourceFirewallUpdate); tags on
    // each (TagResource/UntagResource). The first firewall in an account creates Network Firewall's
    // service-linked role (permissions.ts SERVICE_LINKED_ROLES).
    "aws:networkfirewall/ruleGroup:RuleGroup": {
        "network-firewall:CreateRuleGroup": ["network-firewall:StatefulRuleGroup"],
        "network-firewall:UpdateRuleGroup": ["network-firewall:StatefulRuleGroup"],
        "network-firewall:DeleteRuleGroup": ["network-firewall:StatefulRuleGroup"],
        ...tagResource("network-firewall", ["network-firewall:StatefulRuleGroup"]),
    },
    "aws:networkfirewall/firewallPolicy:FirewallPolicy": {
        "network-firewall:CreateFirewallPolicy": ["network-firewall:FirewallPolicy", "network-firewall:StatefulRuleGroup"],
        "network-firewall:UpdateFirewallPolicy": ["network-firewall:FirewallPolicy", "network-firewall:StatefulRuleGroup"],
        "network-firewall:DeleteFirewallPolicy": ["network-firewall:FirewallPolicy"],
        ...tagResource("network-firewall", ["network-firewall:FirewallPolicy"]),
    },
    "aws:networkfirewall/firewall:Firewall": {
        "network-firewall:CreateFirewall": ["network-firewall:Firewall", "network-firewall:FirewallPolicy"],
        "network-firewall:DeleteFirewall": ["network-firewall:Firewall"],
        "network-firewall:AssociateSubnets": ["network-firewall:Firewall"],
        "network-firewall:DisassociateSubnets": ["network-firewall:Firewall"],
        "network-firewall:AssociateFirewallPolicy": ["network-firewall:Firewall", "network-firewall:FirewallPolicy"],
        "network-firewall:UpdateFirewallDescription": ["network-firewall:Firewall"],
        "network-firewall:UpdateFirewallDeleteProtection": ["network-firewall:Firewall"],
        "network-firewall:UpdateSubnetChangeProtection": ["network-firewall:Firewall"],
        "network-firewall:UpdateFirewallPolicyChangeProtection": ["network-firewall:Firewall"],
        ...tagResource("network-firewall", ["network-firewall:Firewall"]),
    },
    // UpdateLoggingConfiguration, one destination per call (logging_configuration.go
    // addLoggingConfigurations, removeLoggingConfiguration), and the vended-log delivery to CloudWatch
    // Logs it sets up as the caller: "logs:CreateLogDelivery, logs:GetLogDelivery,
    // logs:UpdateLogDelivery, logs:DeleteLogDelivery, logs:ListLogDeliveries" on "*" (Network Firewall
    // Developer Guide, "Permissions to configure AWS Network Firewall logging",
    // https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-logging-permissions.html),
    // plus the log group's resource policy as for any vended log (CloudWatch Logs User Guide).
    "aws:networkfirewall/loggingConfiguration:LoggingConfiguration": {
        "network-firewall:UpdateLoggingConfiguration": ["network-firewall:Firewall"],
        "logs:CreateLogDelivery": [],
        "logs:GetLogDelivery": [],
        "logs:UpdateLogDelivery": [],
        "logs:DeleteLogDelivery": [],
        "logs:ListLogDeliveries": [],
        "logs:PutResourcePolicy": [],
        "logs:DescribeResourcePolicies": [],
        "logs:DescribeLogGroups": [],
    },
    "aws:ecs/cluster:Cluster": {
        "ecs:CreateCluster": ["ecs:cluster"],
        "ecs:UpdateCluster": ["ecs:cluster"],
        "ecs:UpdateClusterSettings": ["ecs:cluster"],
        "ecs:PutClusterCapacityProviders": ["ecs:cluster"],
        "ecs:DeleteCluster": ["ecs:cluster"],
        ...tagResource("ecs", ["ecs:cluster", "ecs:service", "ecs:task-definition"]),
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        "ecs:RegisterTaskDefinition": ["ecs:task-definition"],
        "ecs:DeregisterTaskDefinition": [],
        "ecs:TagResource": ["ecs:cluster", "ecs:service", "ecs:task-definition"],
    },
    "aws:ecs/service:Service": {
        "ecs:CreateService": ["ecs:service"],
        "ecs:UpdateService": ["ecs:service"],
        "ecs:DeleteService": ["ecs:service"],
        "ecs:TagResource": ["ecs:cluster", "ecs:service", "ecs:task-definition"],
    },
    "aws:appautoscaling/target:Target": {
        "application-autoscaling:RegisterScalableTarget": ["application-autoscaling:ScalableTarget"],
        "application-autoscaling:DeregisterScalableTarget": ["application-autoscaling:ScalableTarget"],
        ...tagResource("application-autoscaling", ["application-autoscaling:ScalableTarget"]),
    },
    "aws:appautoscaling/policy:Policy": {
        "application-autoscaling:PutScalingPolicy": ["application-autoscaling:ScalableTarget"],
        "application-autoscaling:DeleteScalingPolicy": ["application-autoscaling:ScalableTarget"],
        // A target-tracking policy creates and deletes its CloudWatch alarms as the caller.
        "cloudwatch:PutMetricAlarm": ["cloudwatch:alarm"],
        "cloudwatch:DeleteAlarms": ["cloudwatch:alarm"],
    },
    "aws:iam/role:Role": {
        "iam:CreateRole": ["iam:role"],
        "iam:DeleteRole": ["iam:role"],
        "iam:UpdateRole": ["iam:role"],
        "iam:UpdateRoleDescription": ["iam:role"],
        "iam:UpdateAssumeRolePolicy": ["iam:role"],
        "iam:TagRole": ["iam:role"],
        "iam:UntagRole": ["iam:role"],
    },
    "aws:iam/rolePolicy:RolePolicy": { "iam:PutRolePolicy": ["iam:role"], "iam:DeleteRolePolicy": ["iam:role"] },
    "aws:kms/key:Key": {
        "kms:CreateKey": [],
        "kms:PutKeyPolicy": ["kms:key"],
        "kms:EnableKeyRotation": ["kms:key"],
        "kms:DisableKeyRotation": ["kms:key"],
        "kms:UpdateKeyDescription": ["kms:key"],
        "kms:EnableKey": ["kms:key"],
        "kms:DisableKey": ["kms:key"],
        "kms:ScheduleKeyDeletion": ["kms:key"],
        "kms:CancelKeyDeletion": ["kms:key"],
        ...tagResource("kms", ["kms:key"]),
    },
    // A multi-Region key's replica: create calls ReplicateKey on the primary key, in the primary's
    // region, with the replica's policy and description; update changes its description, policy and
    // enabled state; delete schedules its deletion (resourceReplicaKeyCreate, …Update, …Delete,
    // internal/service/kms/replica_key.go in hashicorp/terraform-provider-aws). ReplicateKey also
    // needs kms:CreateKey in the replica's region (AWS KMS Developer Guide, "Creating multi-Region
    // replica keys"), and the key's tags kms:TagResource there.
    "aws:kms/replicaKey:ReplicaKey": {
        "kms:ReplicateKey": ["kms:key"],
        "kms:CreateKey": [],
        "kms:PutKeyPolicy": ["kms:key"],
        "kms:UpdateKeyDescription": ["kms:key"],
        "kms:EnableKey": ["kms:key"],
        "kms:DisableKey": ["kms:key"],
        "kms:ScheduleKeyDeletion": ["kms:key"],
        "kms:CancelKeyDeletion": ["kms:key"],
        ...tagResource("kms", ["kms:key"]),
    },
    // Create and update put the document; delete puts the default key policy back (resourceKeyPolicyCreate,
    // …Update, …Delete: updateKeyPolicy, internal/service/kms/key_policy.go in hashicorp/terraform-provider-aws).
    // The program's key policies keep kms:PutKeyPolicy for the account's IAM principals (lib/keyPolicy.ts).
    "aws:kms/keyPolicy:KeyPolicy": { "kms:PutKeyPolicy": ["kms:key"] },
    "aws:kms/alias:Alias": { "kms:CreateAlias": ["kms:alias", "kms:key"], "kms:UpdateAlias": ["kms:alias", "kms:key"], "kms:DeleteAlias": ["kms:alias", "kms:key"] },
    "aws:secretsmanager/secret:Secret": {
        "secretsmanager:CreateSecret": ["secretsmanager:Secret"],
        "secretsmanager:UpdateSecret": ["secretsmanager:Secret"],
        "secretsmanager:DeleteSecret": ["secretsmanager:Secret"],
        ...tagResource("secretsmanager", ["secretsmanager:Secret"]),
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        "secretsmanager:PutSecretValue": ["secretsmanager:Secret"],
        "secretsmanager:GetSecretValue": ["secretsmanager:Secret"],
        // Deleting a version moves its staging labels off it.
        "secretsmanager:UpdateSecretVersionStage": ["secretsmanager:Secret"],
    },
    "aws:elasticache/subnetGroup:SubnetGroup": {
        "elasticache:CreateCacheSubnetGroup": ["elasticache:subnetgroup"],
        "elasticache:ModifyCacheSubnetGroup": ["elasticache:subnetgroup"],
        "elasticache:DeleteCacheSubnetGroup": ["elasticache:subnetgroup"],
        "elasticache:AddTagsToResource": ["elasticache:subnetgroup", "elasticache:parametergroup", "elasticache:replicationgroup", "elasticache:cluster", "elasticache:snapshot"],
        "elasticache:RemoveTagsFromResource": ["elasticache:subnetgroup", "elasticache:parametergroup", "elasticache:replicationgroup", "elasticache:cluster", "elasticache:snapshot"],
    },
    "aws:elasticache/parameterGroup:ParameterGroup": {
        "elasticache:CreateCacheParameterGroup": ["elasticache:parametergroup"],
        "elasticache:ModifyCacheParameterGroup": ["elasticache:parametergroup"],
        "elasticache:DeleteCacheParameterGroup": ["elasticache:parametergroup"],
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        "elasticache:CreateReplicationGroup": ["elasticache:replicationgroup", "elasticache:cluster", "elasticache:parametergroup", "elasticache:subnetgroup"],
        // ElastiCache authorizes each node of a new group as CreateCacheCluster.
        "elasticache:CreateCacheCluster": ["elasticache:replicationgroup", "elasticache:cluster", "elasticache:parametergroup", "elasticache:subnetgroup"],
        "elasticache:ModifyReplicationGroup": ["elasticache:replicationgroup", "elasticache:parametergroup"],
        "elasticache:DeleteReplicationGroup": ["elasticache:replicationgroup", "elasticache:snapshot"],
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        "logs:CreateLogGroup": ["logs:log-group"],
        "logs:DeleteLogGroup": ["logs:log-group"],
        "logs:PutRetentionPolicy": ["logs:log-group"],
        "logs:DeleteRetentionPolicy": ["logs:log-group"],
        "logs:AssociateKmsKey": ["logs:log-group"],
        "logs:DisassociateKmsKey": ["logs:log-group"],
        ...tagResource("logs", ["logs:log-group"]),
    },
    // An account-scoped policy by name (the program sets policy_name): PutResourcePolicy on create and
    // update, DeleteResourcePolicy on delete (resourceResourcePolicyPut, …Delete,
    // internal/service/logs/resource_policy.go); both take only "*".
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": { "logs:PutResourcePolicy": [], "logs:DeleteResourcePolicy": [] },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        "cloudwatch:PutMetricAlarm": ["cloudwatch:alarm"],
        "cloudwatch:DeleteAlarms": ["cloudwatch:alarm"],
        ...tagResource("cloudwatch", ["cloudwatch:alarm", "cloudwatch:dashboard"]),
    },
    "aws:cloudwatch/dashboard:Dashboard": { "cloudwatch:PutDashboard": ["cloudwatch:dashboard"], "cloudwatch:DeleteDashboards": ["cloudwatch:dashboard"] },
    "aws:sns/topic:Topic": {
        "sns:CreateTopic": ["sns:topic"],
        "sns:SetTopicAttributes": ["sns:topic"],
        "sns:DeleteTopic": ["sns:topic"],
        ...tagResource("sns", ["sns:topic"]),
    },
    "aws:sns/topicSubscription:TopicSubscription": { "sns:Subscribe": ["sns:topic"], "sns:Unsubscribe": ["sns:topic"], "sns:SetSubscriptionAttributes": ["sns:topic"] },
    "aws:s3/bucket:Bucket": { "s3:CreateBucket": ["s3:bucket"], "s3:DeleteBucket": ["s3:bucket"], "s3:PutBucketTagging": ["s3:bucket"] },
    "aws:s3/bucketPolicy:BucketPolicy": { "s3:PutBucketPolicy": ["s3:bucket"], "s3:DeleteBucketPolicy": ["s3:bucket"] },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { "s3:PutBucketOwnershipControls": ["s3:bucket"] },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { "s3:PutBucketPublicAccessBlock": ["s3:bucket"] },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { "s3:PutEncryptionConfiguration": ["s3:bucket"] },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { "s3:PutLifecycleConfiguration": ["s3:bucket"] },
    // Create and update call PutBucketVersioning; delete suspends versioning with it
    // (internal/service/s3/bucket_versioning.go).
    "aws:s3/bucketVersioning:BucketVersioning": { "s3:PutBucketVersioning": ["s3:bucket"] },
    // The API's PutObjectLockConfiguration, on create, update and delete (which puts the configuration
    // without its rule), is authorized as s3:PutBucketObjectLockConfiguration
    // (internal/service/s3/bucket_object_lock_configuration.go; Service Authorization Reference, Amazon S3).
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": { "s3:PutBucketObjectLockConfiguration": ["s3:bucket"] },
    "aws:ecr/repository:Repository": {
        "ecr:CreateRepository": ["ecr:repository"],
        "ecr:DeleteRepository": ["ecr:repository"],
        "ecr:PutImageScanningConfiguration": ["ecr:repository"],
        "ecr:PutImageTagMutability": ["ecr:repository"],
        ...tagResource("ecr", ["ecr:repository"]),
        // The build pushes its image to the repository (docker.Image in build mode).
        "ecr:GetAuthorizationToken": [],
        "ecr:BatchCheckLayerAvailability": ["ecr:repository"],
        "ecr:InitiateLayerUpload": ["ecr:repository"],
        "ecr:UploadLayerPart": ["ecr:repository"],
        "ecr:CompleteLayerUpload": ["ecr:repository"],
        "ecr:PutImage": ["ecr:repository"],
    },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": { "ecr:PutLifecyclePolicy": ["ecr:repository"], "ecr:DeleteLifecyclePolicy": ["ecr:repository"] },
    "aws:fis/experimentTemplate:ExperimentTemplate": {
        "fis:CreateExperimentTemplate": ["fis:experiment-template", "fis:action"],
        "fis:UpdateExperimentTemplate": ["fis:experiment-template", "fis:action"],
        "fis:DeleteExperimentTemplate": ["fis:experiment-template"],
        ...tagResource("fis", ["fis:experiment-template"]),
        // A template that logs to CloudWatch Logs sets up a vended-log delivery as the caller
        // (AWS FIS User Guide, "Experiment logging permissions"); these take only "*".
        "logs:CreateLogDelivery": [],
        "logs:GetLogDelivery": [],
        "logs:UpdateLogDelivery": [],
        "logs:DeleteLogDelivery": [],
        "logs:ListLogDeliveries": [],
        "logs:PutResourcePolicy": [],
        "logs:DescribeResourcePolicies": [],
    },
};
