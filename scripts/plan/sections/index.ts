/** The plan's sections in the order it prints them: a new section is a new file, listed here. */
import { Section } from "../section";
import { summary } from "./summary";
import { edit } from "./edit";
import { routing } from "./routing";
import { egress } from "./egress";
import { capacity } from "./capacity";
import { releases } from "./releases";
import { serviceSecrets } from "./serviceSecrets";
import { dataTier } from "./dataTier";
import { budget } from "./budget";
import { rotation } from "./rotation";
import { restoreSection } from "./restore";
import { regionOutage } from "./regionOutage";
import { cost } from "./cost";
import { quotas } from "./quotas";
import { alarms } from "./alarms";
import { findings } from "./findings";
import { drillsSection } from "./drills";
import { tree } from "./tree";
import { counts } from "./counts";
import { localChecklistSection, localDrillsSection, localTopology } from "./local";
import { regionLoss } from "./regionLoss";

export const SECTIONS: [string, Section][] = [
    ["Stack", summary],
    ["This edit (--set) against the stack file", edit],
    ["Routing", routing],
    ["Egress", egress],
    ["Capacity", capacity],
    ["Releases", releases],
    ["Service secrets", serviceSecrets],
    ["Data tier", dataTier],
    ["MongoDB connection budget", budget],
    ["Credential rotation", rotation],
    ["Restore", restoreSection],
    ["Region loss", regionLoss],
    ["Region outage (drill)", regionOutage],
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

/** Sections that judge the gateway's topology, which a drill (restore or region) does not have. */
export const GATEWAY_ONLY = ["Production HA Checklist", "Failover drills", "Operations rules", "MongoDB connection budget", "Credential rotation"];

/** A local stack's plan: the topology on Docker, its budget, its checklist and drills; nothing of AWS. */
export const LOCAL_SECTIONS: [string, Section][] = [
    ["Stack", summary],
    ["This edit (--set) against the stack file", edit],
    ["Local topology (Docker)", localTopology],
    ["MongoDB connection budget", budget],
    ["Production HA Checklist (local)", localChecklistSection],
    ["Failover drills (local)", localDrillsSection],
    ["Resources", tree],
    ["Resource counts", counts],
];
