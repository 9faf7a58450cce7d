/** The plan's sections in the order it prints them: a new section is a new file, listed here. */
import { Section } from "../section";
import { summary } from "./summary";
import { edit } from "./edit";
import { routing } from "./routing";
import { egress } from "./egress";
import { capacity } from "./capacity";
import { serviceSecrets } from "./serviceSecrets";
import { dataTier } from "./dataTier";
import { budget } from "./budget";
import { rotation } from "./rotation";
import { restoreSection } from "./restore";
import { cost } from "./cost";
import { quotas } from "./quotas";
import { alarms } from "./alarms";
import { findings } from "./findings";
import { drillsSection } from "./drills";
import { tree } from "./tree";
import { counts } from "./counts";

export const SECTIONS: [string, Section][] = [
    ["Stack", summary],
    ["This edit (--set) against the stack file", edit],
    ["Routing", routing],
    ["Egress", egress],
    ["Capacity", capacity],
    ["Service secrets", serviceSecrets],
    ["Data tier", dataTier],
    ["MongoDB connection budget", budget],
    ["Credential rotation", rotation],
    ["Restore", restoreSection],
    ["Monthly cost (estimate)", cost],
    ["Quotas", quotas],
    ["Alarms", alarms],
    ["Production HA Checklist", findings("checklist")],
    ["Failover drills", drillsSection],
    ["Operations rules", findings("operations")],
    ["Security rules", findings("security")],
    ["PCI DSS rules", findings("pci")],
    ["Resources", tree],
    ["Resource counts", counts],
];

/** Sections that judge the gateway's topology, which a restore drill does not have. */
export const GATEWAY_ONLY = ["Production HA Checklist", "Failover drills", "Operations rules", "MongoDB connection budget", "Credential rotation"];
