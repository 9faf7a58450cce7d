/**
 * Limits that AWS and MongoDB Atlas enforce, as tables and predicates.
 *
 * Pulumi's mock engine accepts any value; these are the rules a real `pulumi up` would apply
 * (sources in ../shared/reference/aws-atlas-limits.md, mirrored in the README). The config schema
 * and the components check against them so that a bad value fails at validation, not mid-deploy.
 *
 *   aws.ts      Fargate, load balancers, S3, security groups, IAM, ElastiCache, Secrets Manager, ACM, quotas
 *   atlas.ts    Atlas tiers, alert matchers, MongoDB versions, cluster names
 *   regions.ts  the AWS regions and their zones, and the Atlas name of each
 */
export { FARGATE_MEMORY_BY_CPU, FARGATE_CPU_VALUES, isValidFargateSize, describeFargateMemory, LOG_RETENTION_DAYS, ELB_NAME_MAX, PULUMI_AUTONAME_SUFFIX, isValidElbName, ELB_LOG_ACCOUNT_BY_REGION, ELB_LOG_DELIVERY_PRINCIPAL, elbLogWriter, isValidBucketName, isValidSecurityGroupDescription, isValidSecurityGroupRuleDescription, ACTIONS_WITHOUT_RESOURCE_SCOPE, ACTIONS_SCOPED_BY_CONDITION, mayTakeAnyResource, HEALTH_CHECK, STICKINESS_DURATION_SECONDS, RESERVED_COOKIE_PREFIXES, ELASTICACHE_AUTH_TOKEN, ELASTICACHE_AUTH_TOKEN_SPECIALS, ELASTICACHE_MAX_NODES, ELASTICACHE_SNAPSHOT_RETENTION_MAX, isValidReplicationGroupId, isValidSecretName, isValidRecoveryWindow, ELASTICACHE_ENGINE_VERSIONS, ELASTICACHE_NODE_TYPES, GLOBAL_DATASTORE, isGlobalDatastoreNodeType, ACM_DOMAIN_NAME_MAX, DNS_NAME_MAX, COLLECTOR_PORTS, HEALTH_CHECK_PATH_MAX, SECRETS_MANAGER_VALUE_FROM, SSM_PARAMETER_ARN, SECRETS_MANAGER_ARN_SUFFIX, secretSource, EIP_DEFAULT_QUOTA_PER_REGION, EGRESS_PURPOSE_TAG, OTLP_EGRESS } from "./aws";
export type { SecretSource } from "./aws";
export { ATLAS_TIER_CONNECTIONS, ATLAS_TIERS, ATLAS_RESERVED_CONNECTIONS, ATLAS_ELECTABLE_NODES, ATLAS_MATCHER_FIELDS, ATLAS_EVENT_TARGET, ATLAS_HOST_TYPE_NAMES, ATLAS_MATCHER_OPERATORS, atlasMatcherProblems, ATLAS_MONGODB_VERSIONS, isValidAtlasClusterName, atlasRegionName } from "./atlas";
export type { AtlasTier, AtlasMatcher } from "./atlas";
export { AWS_REGION_ZONES, AWS_REGIONS, ATLAS_AWS_REGIONS, AWS_REGION } from "./regions";
