import { validateConfig } from "./lib/config";
import { rawConfigFrom } from "./lib/stackConfig";
import { assembleConfig } from "./tests/harness";
const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:payment-gateway/processor";
const { values } = assembleConfig("dev", { "main.secrets": { PLAIN: "sk_live_hunter2", PARTIAL: SM, PK: SM + ":apiKey::", OK: SM + "-AbCdEf:k::" }, "admin.repositoryCredentials": SM, "worker.repositoryCredentials": SM+"-AbCdEf:x::" });
try { validateConfig(rawConfigFrom(values), values["aws:region"]); console.log("accepted"); } catch (e: any) { console.log(e.message); }
