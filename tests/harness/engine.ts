/**
 * The mock engine: runs the program in-process under Pulumi's mocks, answering each resource and
 * invoke with realistic outputs, and records everything it registers (tests/harness/run.ts).
 */
import * as path from "path";
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { AWS_REGION_ZONES } from "../../lib/limits";
import { setClock } from "../../lib/clock";
import { ROOT, assembleConfig, readProject } from "./config";
import { Invocation, ProgramError, RecordedResource, Run, RunOptions } from "./run";
import { exampleOwnOutputs, exampleReferences } from "./primary";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ACCOUNT_ID = "123456789012";

/** Options of a later `pulumi up` of the same stack (see `later`). */
export interface LaterOptions {
    /** How long after the last run this one happens. Default 0. */
    days?: number;
    /** Config edits made since (merged over the last run's; undefined removes one). Default none. */
    set?: Record<string, unknown>;
    /** What the cloud answers at that moment (RunOptions.answers). Default the last run's. */
    answers?: RunOptions["answers"];
    /** What other stacks of the project answer at that moment (RunOptions.references). Default the last run's. */
    references?: RunOptions["references"];
}

/**
 * The next `pulumi up` of the stack `last` ran: the same config (plus `set`), the outputs `last`
 * recorded read back through the stack's reference to itself, and the clock moved `days` forward.
 * A day-2 sequence is a chain: `const step2 = await later(step1, { days: 1 })`.
 */
export function later(last: Run, { days = 0, set = {}, answers, references }: LaterOptions = {}): Promise<Run> {
    return runProgram({
        ...last.options,
        set: { ...last.options.set, ...set },
        previous: last.outputs,
        now: (last.options.now ?? Date.now()) + days * 86_400_000,
        answers: answers ?? last.options.answers,
        references: references ?? last.options.references,
    });
}

const REGION_FALLBACK = "us-east-1";

/** The customTimeouts option as the SDK sends it ("" for one not set), or undefined without any. */
function customTimeoutsOf(req: any): { create?: string; update?: string; delete?: string } | undefined {
    const t = req.getCustomtimeouts?.();
    if (!t) return undefined;
    const out = Object.fromEntries(([["create", t.getCreate()], ["update", t.getUpdate()], ["delete", t.getDelete()]] as [string, string][]).filter(([, v]) => v));
    return Object.keys(out).length ? out : undefined;
}

/** A deterministic, realistic physical id or suffix from a resource's name. */
function hash(text: string, length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    const bytes = crypto.createHash("sha256").update(text).digest();
    let out = "";
    for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
    return out;
}

/** The id the mock gives a VPC peering connection of this logical name (a standby's `pg-peer`). */
export function peeringId(name: string): string {
    return `pcx-${hash(name, 17, "0123456789abcdef")}`;
}

/** Pulumi's auto-name: the logical name, a hyphen and 7 random characters. */
export function autoName(name: string): string {
    return `${name}-${hash(name, 7, "abcdef0123456789")}`;
}

function generatePassword(inputs: Record<string, any>, seed: string): string {
    let alphabet = "";
    if (inputs.upper !== false) alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (inputs.lower !== false) alphabet += "abcdefghijklmnopqrstuvwxyz";
    if (inputs.numeric !== false && inputs.number !== false) alphabet += "0123456789";
    if (inputs.special !== false) alphabet += inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?";
    return hash(seed, inputs.length ?? 16, alphabet);
}

export function mockOutputs(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
    const id = `${name}-${hash(type + name, 8)}`;
    const [pkg, mod] = type.split(":");
    const service = (mod ?? "").split("/")[0];
    const arnBase = `arn:aws:${service}:${region}:${ACCOUNT_ID}`;
    const physicalName = inputs.name ?? autoName(name);
    const state: Record<string, any> = { ...inputs };
    if (pkg === "aws") Object.assign(state, { arn: `${arnBase}:${service}/${physicalName}`, name: physicalName, region, tagsAll: inputs.tags ?? {} });

    switch (type) {
        case "aws:ec2/vpc:Vpc": {
            const id = `vpc-${hash(name, 17, "0123456789abcdef")}`;
            return { id, state: { ...state, arn: `${arnBase}:vpc/${id}` } };
        }
        case "aws:ec2/subnet:Subnet": {
            const id = `subnet-${hash(name, 17, "0123456789abcdef")}`;
            return { id, state: { ...state, arn: `${arnBase}:subnet/${id}` } };
        }
        // A cross-region request returns at pending-acceptance; the accepter's create waits until active (lib/peering.ts).
        case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            return { id: peeringId(name), state: { ...state, acceptStatus: "pending-acceptance" } };
        case "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter":
            return { id: inputs.vpcPeeringConnectionId, state: { ...state, acceptStatus: "active" } };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { id: `sg-${hash(name, 17, "0123456789abcdef")}`, state };
        case "aws:ec2/eip:Eip": {
            const b = crypto.createHash("sha256").update(name).digest();
            return { id: `eipalloc-${hash(name, 17, "0123456789abcdef")}`, state: { ...state, publicIp: `52.${b[0]}.${b[1]}.${b[2] % 254 + 1}` } };
        }
        case "aws:ec2/natGateway:NatGateway":
            return { id: `nat-${hash(name, 17, "0123456789abcdef")}`, state };
        case "aws:networkfirewall/firewall:Firewall":
            // One endpoint per mapped subnet, reported as a set (provider: firewall_status.sync_states is a TypeSet):
            // listed here in reverse, so that a reader that takes them by position picks another zone's endpoint.
            return {
                id: `${arnBase}:firewall/${physicalName}`,
                state: {
                    ...state,
                    arn: `${arnBase}:firewall/${physicalName}`,
                    firewallStatuses: [{ syncStates: [...(inputs.subnetMappings ?? [])].reverse().map((m: any) => ({ availabilityZone: "", attachments: [{ subnetId: m.subnetId, endpointId: `vpce-${hash(m.subnetId, 17, "0123456789abcdef")}`, status: "READY" }] })), transitGatewayAttachmentSyncStates: [] }],
                },
            };
        case "aws:networkfirewall/firewallPolicy:FirewallPolicy":
            return { id: `${arnBase}:firewall-policy/${physicalName}`, state: { ...state, arn: `${arnBase}:firewall-policy/${physicalName}` } };
        case "aws:networkfirewall/ruleGroup:RuleGroup":
            return { id: `${arnBase}:stateful-rulegroup/${physicalName}`, state: { ...state, arn: `${arnBase}:stateful-rulegroup/${physicalName}` } };
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return { id: `vpce-${hash(name, 17, "0123456789abcdef")}`, state: { ...state, dnsEntries: [{ dnsName: `vpce-${hash(name, 17)}.${inputs.serviceName}`, hostedZoneId: "Z7HUB22UULQXV" }] } };
        case "aws:lb/loadBalancer:LoadBalancer": {
            const suffix = hash(name, 10, "0123456789");
            return { id: `${arnBase}:loadbalancer/app/${physicalName}/${suffix}`, state: { ...state, arn: `${arnBase}:loadbalancer/app/${physicalName}/${suffix}`, arnSuffix: `app/${physicalName}/${suffix}`, dnsName: `${physicalName}-${suffix}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" } };
        }
        case "aws:lb/targetGroup:TargetGroup": {
            // Elastic Load Balancing's own ARN format (the IAM checks judge grants on it).
            const suffix = hash(name, 16, "0123456789abcdef");
            const arn = `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:targetgroup/${physicalName}/${suffix}`;
            return { id: arn, state: { ...state, arn, arnSuffix: `targetgroup/${physicalName}/${suffix}` } };
        }
        case "aws:lb/listenerRule:ListenerRule": {
            const h = (n: number) => hash(name + n, 16, "0123456789abcdef");
            const arn = `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:listener-rule/app/pg-alb/${h(1)}/${h(2)}/${h(3)}`;
            return { id: arn, state: { ...state, arn } };
        }
        case "aws:acm/certificate:Certificate":
            return {
                id: `${arnBase}:certificate/${hash(name, 8, "0123456789abcdef")}-0000-0000-0000-000000000000`,
                state: {
                    ...state,
                    arn: `${arnBase}:certificate/${hash(name, 8, "0123456789abcdef")}-0000-0000-0000-000000000000`,
                    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((d: string) => ({
                        domainName: d,
                        resourceRecordName: `_${hash(d, 32, "0123456789abcdef")}.${d}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${hash(d + "v", 32, "0123456789abcdef")}.acm-validations.aws.`,
                    })),
                },
            };
        case "aws:secretsmanager/secret:Secret":
            return { id: `${arnBase}:secret:${physicalName}-${hash(name, 6, "ABCDEFabcdef")}`, state: { ...state, arn: `${arnBase}:secret:${physicalName}-${hash(name, 6, "ABCDEFabcdef")}` } };
        case "aws:s3/bucket:Bucket": {
            // S3 ARNs carry no region or account.
            const bucket = inputs.bucket ?? autoName(name);
            return { id: bucket, state: { ...state, bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com` } };
        }
        case "aws:secretsmanager/secretVersion:SecretVersion": {
            // Secrets Manager gives every new value a new version id (a UUID).
            const uuid = crypto.createHash("md5").update(`${inputs.secretId}|${inputs.secretString}`).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
            return { id: `${inputs.secretId}|${uuid}`, state: { ...state, arn: inputs.secretId, versionId: uuid } };
        }
        case "aws:kms/key:Key": {
            const keyId = crypto.createHash("md5").update(name).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
            return { id: keyId, state: { ...state, keyId, arn: `${arnBase}:key/${keyId}` } };
        }
        case "aws:iam/role:Role":
            return { id: physicalName, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physicalName}` } };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
            // IAM names an OIDC provider by its URL without the scheme.
            const host = String(inputs.url).replace(/^https:\/\//, "");
            return { id: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}`, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}` } };
        }
        case "aws:iam/policy:Policy":
            return { id: `arn:aws:iam::${ACCOUNT_ID}:policy/${physicalName}`, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${physicalName}` } };
        case "aws:ecs/cluster:Cluster":
            return { id: `${arnBase}:cluster/${physicalName}`, state: { ...state, arn: `${arnBase}:cluster/${physicalName}` } };
        case "aws:ecs/taskDefinition:TaskDefinition": {
            // ECS registers every new definition of a family as a new revision: a revision per content here.
            const revision = 1 + crypto.createHash("sha256").update(JSON.stringify(inputs)).digest().readUInt16BE(0);
            return { id: inputs.family, state: { ...state, arn: `${arnBase}:task-definition/${inputs.family}:${revision}`, revision } };
        }
        case "aws:ecr/repository:Repository":
            return { id: physicalName, state: { ...state, registryId: ACCOUNT_ID, repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physicalName}`, arn: `${arnBase}:repository/${physicalName}` } };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return {
                id: inputs.replicationGroupId,
                state: {
                    ...state,
                    arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:replicationgroup:${inputs.replicationGroupId}`,
                    primaryEndpointAddress: `master.${inputs.replicationGroupId}.${hash(name, 6)}.use1.cache.amazonaws.com`,
                    readerEndpointAddress: `replica.${inputs.replicationGroupId}.${hash(name, 6)}.use1.cache.amazonaws.com`,
                },
            };
        case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": {
            // ElastiCache prefixes the suffix with five letters of its own (provider: GlobalReplicationGroupRegionPrefixFormat).
            const id = `ldgnf-${inputs.globalReplicationGroupIdSuffix}`;
            return { id, state: { ...state, globalReplicationGroupId: id, arn: `arn:aws:elasticache::${ACCOUNT_ID}:globalreplicationgroup:${id}` } };
        }
        case "aws:route53/record:Record":
            return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...state, fqdn: String(inputs.name).replace(/\.$/, "") } };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { id: inputs.name, state: { ...state, arn: `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${inputs.name}` } };
        case "aws:fis/experimentTemplate:ExperimentTemplate":
            return { id: `EXT${hash(name, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`, state };
        case "aws:cloudwatch/logGroup:LogGroup":
            // The group's ARN, as CloudWatch Logs forms it (the provider drops the trailing ":*").
            return { id: physicalName, state: { ...state, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${physicalName}` } };
        case "mongodbatlas:index/project:Project":
            return { id: hash(name, 24, "0123456789abcdef"), state };
        case "mongodbatlas:index/advancedCluster:AdvancedCluster": {
            const host = `${inputs.name.toLowerCase()}.${hash(name, 5)}.mongodb.net`;
            return {
                id: `${inputs.projectId}-${inputs.name}`,
                state: {
                    ...state,
                    clusterId: hash(name, 24, "0123456789abcdef"),
                    stateName: "IDLE",
                    // The replica set's one zone, as Atlas returns it for each replication spec.
                    replicationSpecs: (inputs.replicationSpecs ?? []).map((spec: Record<string, any>, i: number) => ({ ...spec, zoneId: hash(`${name}-zone-${i}`, 24, "0123456789abcdef") })),
                    // Private connection strings appear only once an endpoint service exists (read back via getAdvancedCluster).
                    connectionStrings: { standardSrv: `mongodb+srv://${host}`, standard: `mongodb://${host}:27017`, privateEndpoints: [] },
                },
            };
        }
        case "mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup":
            // Atlas's AWS account and the external id it issues for the project.
            return { id: hash(name, 24, "0123456789abcdef"), state: { ...state, roleId: hash(name, 24, "0123456789abcdef"), awsConfigs: [{ atlasAwsAccountArn: "arn:aws:iam::536727724300:root", atlasAssumedRoleExternalId: crypto.createHash("md5").update(name).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5") }] } };
        case "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint":
            return { id: hash(name, 24, "0123456789abcdef"), state: { ...state, privateLinkId: hash(name, 24, "0123456789abcdef"), endpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-${hash(name, 17, "0123456789abcdef")}` } };
        case "mongodbatlas:index/cloudBackupSnapshotRestoreJob:CloudBackupSnapshotRestoreJob": {
            const jobId = hash(name + JSON.stringify(inputs), 24, "0123456789abcdef");
            return { id: `${inputs.projectId}-${inputs.clusterName}-${jobId}`, state: { ...state, snapshotRestoreJobId: jobId, failed: false, cancelled: false, expired: false, finishedAt: "" } };
        }
        case "aws:ecs/service:Service":
            return { id: `${arnBase}:service/${inputs.cluster?.split("/").pop()}/${physicalName}`, state: { ...state, arn: `${arnBase}:service/${physicalName}` } };
        case "aws:appautoscaling/target:Target":
            return { id: inputs.resourceId, state };
        case "docker:index/image:Image": {
            const repo = String(inputs.imageName).replace(/:[^:/]+$/, "");
            return { id: inputs.imageName, state: { ...state, baseImageName: inputs.imageName, repoDigest: `${repo}@sha256:${hash(inputs.imageName, 64, "0123456789abcdef")}`, registryServer: inputs.registry?.server } };
        }
        case "docker:index/remoteImage:RemoteImage":
            return { id: `sha256:${hash(inputs.name, 64, "0123456789abcdef")}`, state: { ...state, imageId: `sha256:${hash(inputs.name, 64, "0123456789abcdef")}`, repoDigest: "" } };
        case "docker:index/container:Container":
            // A one-shot container (attach) has ended when create returns: as a successful run ends.
            return { id: hash(type + name, 64, "0123456789abcdef"), state: { ...state, ...(inputs.attach ? { exitCode: 0 } : {}) } };
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            // A keeper change is a new value (rotation): it seeds the generated value too.
            return { id: "none", state: { ...state, result: generatePassword(inputs, type + name + (inputs.keepers ? JSON.stringify(inputs.keepers) : "")) } };
        case "random:index/randomId:RandomId":
            return { id: hash(name, 8, "0123456789abcdef"), state: { ...state, hex: hash(name, (inputs.byteLength ?? 4) * 2, "0123456789abcdef") } };
        default:
            return { id, state };
    }
}

function mockInvoke(token: string, inputs: Record<string, any>, region: string, resources: RecordedResource[], previous: Record<string, any>, unavailableZones: string[] = [], references: Record<string, Record<string, unknown>> = {}): Record<string, any> {
    switch (token) {
        case "aws:ecs/getService:getService": {
            // A steady stack: each service runs, alone, the task definition its last deployment recorded.
            const deployed = Object.values(previous.rotation?.services ?? {}).find((s: any) => s.service === inputs.serviceName && s.cluster === inputs.clusterArn) as { taskDefinition: string } | undefined;
            if (!deployed) throw new Error(`no matching ECS Service found (${inputs.serviceName} in ${inputs.clusterArn})`);
            return ecsServiceNow(inputs, [{ status: "PRIMARY", taskDefinition: deployed.taskDefinition }]);
        }
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return { userName: "AWS", password: `ecr-token-${hash(String(inputs.registryId), 24)}`, authorizationToken: "QVdTOnRva2Vu", proxyEndpoint: `https://${inputs.registryId}.dkr.ecr.${region}.amazonaws.com`, expiresAt: "2030-01-01T00:00:00Z", id: region };
        case "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster": {
            // Read back after the endpoint service: the private connection string of each Atlas endpoint in the VPC.
            const cluster = resources.find((r) => r.type === "mongodbatlas:index/advancedCluster:AdvancedCluster" && r.inputs.name === inputs.name);
            // One of the example multi-region primary (a region drill's target): 2 + 2 + 1 over three regions.
            if (!cluster && /multiregion/.test(String(inputs.name))) return ATLAS_MULTI_REGION_CLUSTER(inputs);
            const endpoints = resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && String(r.inputs.serviceName).startsWith("com.amazonaws.vpce."));
            // A cluster the program does not declare (a restore's source): an M30 with cloud and
            // continuous backup. A standby's (another stack's cluster): its private strings as well.
            if (!cluster && !endpoints.length) return ATLAS_SOURCE_CLUSTER(inputs);
            const host = `${String(inputs.name).toLowerCase()}.${hash(inputs.name, 5)}.mongodb.net`;
            const outputs = cluster?.outputs ?? { ...ATLAS_SOURCE_CLUSTER(inputs), connectionStrings: { standardSrv: `mongodb+srv://${host}`, standard: `mongodb://${host}:27017`, privateEndpoints: [] } };
            return {
                ...outputs,
                connectionStrings: {
                    ...outputs.connectionStrings,
                    privateEndpoints: endpoints.map((e, i) => ({
                        srvConnectionString: `mongodb+srv://${String(inputs.name).toLowerCase()}-pl-${i}.${hash(inputs.name, 5)}.mongodb.net`,
                        connectionString: `mongodb://${String(inputs.name).toLowerCase()}-pl-${i}.${hash(inputs.name, 5)}.mongodb.net:1024`,
                        type: "MONGOD",
                        endpoints: [{ endpointId: e.id, providerName: "AWS", region: region.toUpperCase().replace(/-/g, "_") }],
                    })),
                },
            };
        }
        case "mongodbatlas:index/getPrivatelinkEndpoints:getPrivatelinkEndpoints":
            // The project's Atlas private endpoint services: none beyond what a test answers.
            return { projectId: inputs.projectId, providerName: inputs.providerName, results: [], id: inputs.projectId };
        case "mongodbatlas:index/getPrivateLinkEndpointService:getPrivateLinkEndpointService":
            // An interface endpoint's connection to an Atlas endpoint service: AVAILABLE unless a test answers otherwise.
            return { ...inputs, awsConnectionStatus: "AVAILABLE", id: `${inputs.projectId}-${inputs.privateLinkId}-${inputs.endpointServiceId}` };
        case "mongodbatlas:index/getCloudBackupSchedule:getCloudBackupSchedule":
            // The source's schedule as this program writes its own (continuous backup: a 7-day window).
            return { projectId: inputs.projectId, clusterName: inputs.clusterName, restoreWindowDays: 7, id: `${inputs.projectId}-${inputs.clusterName}` };
        case "mongodbatlas:index/getProject:getProject":
            // Every example stack's projects live in the example organization.
            return { projectId: inputs.projectId, orgId: "5f0000000000000000000001", name: "source", id: inputs.projectId };
        case "mongodbatlas:index/getCloudBackupSnapshotRestoreJob:getCloudBackupSnapshotRestoreJob":
            // A job still running (a test answers `finishedAt` or `failed` to move it on).
            return { ...inputs, failed: false, cancelled: false, expired: false, finishedAt: "", deliveryType: "automated", id: inputs.snapshotRestoreJobId };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            // As many zones as the region offers every account (lib/limits/regions.ts).
            const count = AWS_REGION_ZONES[region] ?? 3;
            // The state filter as DescribeAvailabilityZones applies it: without one, every zone whatever its state.
            const zones = "abcdef".slice(0, count).split("").map((z, n) => ({ name: `${region}${z}`, zoneId: `${region.replace(/-/g, "").slice(0, 4)}-az${n + 1}` }));
            const listed = inputs.state === "available" ? zones.filter((z) => !unavailableZones.includes(z.name)) : zones;
            return { names: listed.map((z) => z.name), zoneIds: listed.map((z) => z.zoneId), id: region };
        }
        case "aws:ec2/getVpcPeeringConnection:getVpcPeeringConnection": {
            // The connection as EC2 reports it in the accepter's region: active once this stack's
            // last update accepted it (its regionLoss.peering), pending acceptance otherwise.
            // Its requester as the standby that recorded it says (the run's references).
            const accepted = previous.regionLoss?.peering?.connectionId === inputs.id;
            const requester = Object.values(references).map((o: any) => o?.peering).find((p: any) => p?.connectionId === inputs.id);
            if (!requester) throw new Error("no matching EC2 VPC Peering Connection found");
            return { id: inputs.id, status: accepted ? "active" : "pending-acceptance", vpcId: requester.vpcId, region: requester.region, peerRegion: region };
        }
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID };
        case "aws:guardduty/getDetector:getDetector":
            return { id: "12abc34d567e8fa901bc2d34eexample", arn: `arn:aws:guardduty:${region}:${ACCOUNT_ID}:detector/12abc34d567e8fa901bc2d34eexample`, status: "ENABLED", findingPublishingFrequency: "SIX_HOURS", features: [], serviceRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`, region, tags: {} };
        case "aws:securityhub/getEnabledStandards:getEnabledStandards":
            return { region, standardsSubscriptions: [{ standardsArn: `arn:aws:securityhub:${region}::standards/pci-dss/v/4.0.1`, standardsSubscriptionArn: `arn:aws:securityhub:${region}:${ACCOUNT_ID}:subscription/pci-dss/v/4.0.1`, standardsStatus: "READY", standardsControlsUpdatable: "READY_FOR_UPDATES", standardsInputs: {} }] };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: JSON.stringify(policyDocument(inputs)), id: "policy" };
        default:
            throw new Error(`the harness has no mock for invoke ${token}; add one to tests/harness.ts`);
    }
}

/** What getAdvancedCluster answers for the example multi-region cluster (Pulumi.prod-multiregion.yaml's, 2 + 2 + 1). */
export const ATLAS_MULTI_REGION_CLUSTER = (inputs: Record<string, any>): Record<string, any> => ({
    ...ATLAS_SOURCE_CLUSTER(inputs),
    replicationSpecs: [{
        regionConfigs: [["US_EAST_1", 2, 7], ["US_EAST_2", 2, 6], ["US_WEST_2", 1, 5]].map(([regionName, nodeCount, priority]) => ({
            providerName: "AWS", regionName, priority, electableSpecs: { instanceSize: "M30", nodeCount, diskSizeGb: 40 }, effectiveElectableSpecs: { instanceSize: "M30", nodeCount, diskSizeGb: 40 },
        })),
    }],
});

/** What getAdvancedCluster answers for a cluster the program does not declare (a restore's source). */
export const ATLAS_SOURCE_CLUSTER = (inputs: Record<string, any>): Record<string, any> => ({
    projectId: inputs.projectId,
    name: inputs.name,
    mongoDbMajorVersion: "8.0",
    mongoDbVersion: "8.0.4",
    backupEnabled: true,
    pitEnabled: true,
    stateName: "IDLE",
    replicationSpecs: [{ regionConfigs: [{ providerName: "AWS", regionName: "US_EAST_1", electableSpecs: { instanceSize: "M30", nodeCount: 3, diskSizeGb: 40 }, effectiveElectableSpecs: { instanceSize: "M30", nodeCount: 3, diskSizeGb: 40 } }] }],
    id: `${inputs.projectId}-${inputs.name}`,
});

/**
 * What `aws.ecs.getService` returns for a service whose deployments are `deployments` (newest,
 * PRIMARY, first; its task definition is the service's): a steady service has one, a rolling one
 * an ACTIVE one too, a rolled-back one a PRIMARY on the previous task definition.
 */
export function ecsServiceNow(inputs: Record<string, any>, deployments: { status: string; taskDefinition: string; runningCount?: number }[]): Record<string, any> {
    const desiredCount = 2;
    const cluster = String(inputs.clusterArn);
    return {
        id: `${cluster.replace(":cluster/", ":service/")}/${inputs.serviceName}`,
        arn: `${cluster.replace(":cluster/", ":service/")}/${inputs.serviceName}`,
        clusterArn: cluster,
        serviceName: inputs.serviceName,
        status: "ACTIVE",
        launchType: "FARGATE",
        schedulingStrategy: "REPLICA",
        desiredCount,
        runningCount: deployments.reduce((n, d) => n + (d.runningCount ?? desiredCount), 0),
        pendingCount: 0,
        taskDefinition: deployments[0].taskDefinition,
        deployments: deployments.map((d, i) => ({
            id: `ecs-svc/${hash(`${inputs.serviceName}${d.taskDefinition}${i}`, 19, "0123456789")}`,
            status: d.status,
            taskDefinition: d.taskDefinition,
            desiredCount: d.status === "PRIMARY" ? desiredCount : 0,
            runningCount: d.runningCount ?? desiredCount,
            pendingCount: 0,
            createdAt: "2026-01-01T00:00:00Z",
            updatedAt: "2026-01-01T00:00:00Z",
        })),
        events: [{ id: "e1", createdAt: "2026-01-01T00:00:00Z", message: `(service ${inputs.serviceName}) has reached a steady state.` }],
        tags: {},
    };
}

/** What aws.iam.getPolicyDocument renders, for the statements the program uses. */
function policyDocument(inputs: Record<string, any>): Record<string, unknown> {
    const list = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
    return {
        Version: "2012-10-17",
        Statement: (inputs.statements ?? []).map((s: Record<string, any>) => ({
            ...(s.sid ? { Sid: s.sid } : {}),
            Effect: s.effect ?? "Allow",
            ...(s.actions ? { Action: list(s.actions) } : {}),
            ...(s.resources ? { Resource: list(s.resources) } : {}),
            ...(s.principals ? { Principal: Object.fromEntries(s.principals.map((p: any) => [p.type, list(p.identifiers)])) } : {}),
            ...(s.conditions
                ? { Condition: s.conditions.reduce((acc: any, c: any) => ({ ...acc, [c.test]: { ...(acc[c.test] ?? {}), [c.variable]: list(c.values) } }), {}) }
                : {}),
        })),
    };
}

/** Unwraps secret markers, collecting the dotted paths that were secret. */
export function unwrapSecrets(value: any, at = "", found: string[] = []): any {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, at ? `${at}.${i}` : String(i), found));
    if (value && typeof value === "object") {
        if (value[SECRET_SIG_KEY] === SECRET_SIG) {
            found.push(at);
            return unwrapSecrets(value.value, at, []);
        }
        if (Object.getPrototypeOf(value) !== Object.prototype) return value;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, found)]));
    }
    return value;
}

function wrapSecret(value: unknown): unknown {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** Forget the program's modules so that the next require runs them afresh. */
function clearProgramModules(program: string): void {
    for (const file of Object.keys(require.cache)) {
        const ours = file.startsWith(ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`) && !file.includes(`${path.sep}tests${path.sep}`);
        if (ours || file === program) delete require.cache[file];
    }
}

const stackRuns = new Map<string, Promise<Run>>();

/** The run of a stack exactly as its files configure it, shared by every test that reads it (do not mutate). */
export function stackRun(stack: string): Promise<Run> {
    if (!stackRuns.has(stack)) stackRuns.set(stack, runProgram({ stack }));
    return stackRuns.get(stack)!;
}

/** The prod and dev runs most component tests compare. */
export async function baselines(): Promise<{ prod: Run; dev: Run }> {
    return { prod: await stackRun("prod"), dev: await stackRun("dev") };
}

let running = false;

/** Runs index.ts for `stack` and returns everything it registered. */
export async function runProgram(options: RunOptions): Promise<Run> {
    if (running) throw new Error("runProgram is not re-entrant: await one run before starting another");
    running = true;
    // The SDK captures a stack trace for every promise it creates; mapping each through ts-node's
    // source maps costs most of a run. Short, plain V8 traces while the program runs; mapped ones after.
    const { prepareStackTrace, stackTraceLimit } = Error;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    Error.stackTraceLimit = 4;
    setClock(options.now);
    try {
        return await runOnce(options);
    } finally {
        setClock(undefined);
        Error.prepareStackTrace = prepareStackTrace;
        Error.stackTraceLimit = stackTraceLimit;
        running = false;
    }
}

async function runOnce(options: RunOptions): Promise<Run> {
    const { stack, set = {}, preview = false, project: dir = ROOT, program = path.join(dir, "index.ts"), answers = {}, unavailableZones = [] } = options;
    // The other stack of a region-loss pair, as its stack file would deploy it, unless the run says otherwise;
    // and a standby's own last update, the complete standby that pair describes.
    const references = options.references ?? (dir === ROOT ? exampleReferences(stack, set) : {});
    const previous = options.previous ?? (dir === ROOT ? exampleOwnOutputs(stack, set) : {});
    const project = readProject(dir);
    const config = assembleConfig(stack, set, project, dir);
    const region = config.values["aws:region"] ?? REGION_FALLBACK;
    const resources: RecordedResource[] = [];
    /** What the program declared: everything but the stack resource the runtime registers itself. */
    const declared = () => resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const invokes: Invocation[] = [];
    // Records made when a registration reaches the monitor, completed by newResource and the response.
    const pending = new Map<string, RecordedResource[]>();

    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                // A stack reference is read, not registered: answer with the stack's last outputs.
                if (args.type === "pulumi:pulumi:StackReference") {
                    // The stack itself reads its last outputs; another stack of the project, what `references` gives.
                    const name = String(args.inputs.name);
                    const other = name.split("/").pop()!;
                    // As the Pulumi engine, a reference to a stack that does not exist fails the update.
                    if (other !== stack && !(other in references)) throw new Error(`unknown stack ${name}: a stack reference to a stack that does not exist fails the update`);
                    const outputs = other === stack ? previous : references[other];
                    return { id: name, state: { name, outputs, secretOutputNames: [] } };
                }
                const secretInputs: string[] = [];
                const inputs = unwrapSecrets(args.inputs ?? {}, "", secretInputs);
                const { id, state: made } = mockOutputs(args.type, args.name, inputs, region);
                // A test may answer a resource's outputs by type (a one-shot container that failed).
                const state = answers[args.type] ? { ...made, ...answers[args.type]({ ...inputs, name: inputs.name ?? args.name }) } : made;
                const record = pending.get(`${args.type}::${args.name}`)?.shift();
                if (!record) throw new Error(`harness: ${args.type} ${args.name} reached newResource without a registration`);
                Object.assign(record, { inputs, secretInputs, outputs: state, id: args.custom === false ? "" : args.id || id, provider: args.provider ?? "" });
                // Inputs that were secret stay secret in the outputs, as the engine keeps them;
                // additionalSecretOutputs (e.g. a generated password's result) become secret.
                const out: Record<string, any> = { ...state };
                for (const key of new Set([...secretInputs.map((p) => p.split(".")[0]), ...record.additionalSecretOutputs]))
                    if (key in out) out[key] = wrapSecret(out[key]);
                return { id: args.custom === false ? "" : args.id || id, state: out };
            },
            call(args) {
                const inputs = unwrapSecrets(args.inputs ?? {});
                invokes.push({ token: args.token, inputs, provider: args.provider ?? "" });
                const answer = answers[args.token];
                // An invoke through an explicit aws provider (another region's) answers for that provider's region.
                const through = args.provider ? resources.find((r) => r.type === "pulumi:providers:aws" && args.provider!.startsWith(`${r.urn}::`))?.inputs.region : undefined;
                try {
                    return answer ? answer(inputs) : mockInvoke(args.token, inputs, through ?? region, resources, previous, unavailableZones, references);
                } catch (e) {
                    // As the engine answers a failed invoke: a gRPC error whose details the SDK
                    // raises as the message (runtime/invoke.js, `new Error(err.details)`).
                    const error = e instanceof Error ? e : new Error(String(e));
                    throw Object.assign(error, { details: error.message });
                }
            },
        },
        project.name,
        stack,
        preview,
        // What a self-managed backend calls the organization.
        "organization",
    );
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    // The mock monitor does not pass resource options to newResource: record them from the request.
    const settings = require("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
        const record: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            parent: req.getParent(),
            custom: req.getCustom(),
            inputs: {},
            secretInputs: [],
            outputs: {},
            id: "",
            protect: req.getProtect() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            retainOnDelete: req.getRetainondelete() ?? false,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: [
                ...req.getAliasurnsList(),
                ...req.getAliasesList().map((a: any) => a.getUrn() || a.getSpec()?.getName()).filter(Boolean),
            ],
            dependsOn: req.getDependenciesList().filter((urn: string) => !Object.values(propertyDependencies).some((deps) => deps.includes(urn))),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            customTimeouts: customTimeoutsOf(req),
            provider: "",
        };
        const key = `${record.type}::${record.name}`;
        pending.set(key, [...(pending.get(key) ?? []), record]);
        resources.push(record);
        return register(req, (err: any, res: any) => {
            if (res) record.urn = res.getUrn();
            callback(err, res);
        });
    };

    // A program that exports a function declares everything when called: load it once and call it
    // for each run. One that declares at load time is loaded afresh.
    const entry = require.resolve(program);
    if (typeof require.cache[entry]?.exports !== "function") clearProgramModules(entry);
    const stackModule = require("@pulumi/pulumi/runtime/stack");
    // A failure inside the program (an apply callback that throws, a rejected registration) also
    // surfaces as an unhandled rejection, as it would fail `pulumi up`: collect them for the run.
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    let exported: Record<string, any> | undefined;
    try {
        await stackModule.runInPulumiStack(async () => {
            // A program may export its outputs, or a function that declares everything and returns them.
            const loaded = require(program);
            exported = typeof loaded === "function" ? await loaded() : loaded;
        });
        await settings.waitForRPCs();
    } catch (e) {
        throw new ProgramError(e, declared());
    } finally {
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
    }
    if (rejections.length) throw new ProgramError(rejections[0], declared());
    const secretOutputs: string[] = [];
    const outputs: Record<string, any> = {};
    for (const [key, value] of Object.entries(exported ?? {})) {
        const found: string[] = [];
        outputs[key] = unwrapSecrets(await resolveDeep(value), "", found);
        if (found.length) secretOutputs.push(key);
    }
    return new Run(stack, config, declared(), invokes, outputs, secretOutputs, previous, options);
}

/** Resolves Outputs (and Outputs nested in plain values), keeping secrets as markers. */
async function resolveDeep(value: any): Promise<any> {
    if (pulumi.Output.isInstance(value)) {
        const o = value as any;
        const [v, secret] = await Promise.all([o.promise(), o.isSecret]);
        const resolved = await resolveDeep(v);
        return secret ? wrapSecret(resolved) : resolved;
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)])));
    return value;
}

/** Awaits an Output's value (and whether it is secret) for an assertion. */
export async function settle<T>(output: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
    const o = pulumi.output(output) as any;
    const [value, secret] = await Promise.all([o.promise(), o.isSecret]);
    return { value, secret };
}
