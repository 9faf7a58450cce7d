/** The AWS regions (and how many zones each has), and the Atlas name of each. */
import { atlasRegionName } from "./atlas";

/**
 * The AWS commercial regions the program deploys to, with the availability zones every account
 * can use there (AWS "Regions and Availability Zones"; read 2026-11-29). An account may be offered
 * more (us-west-1 has a third zone, ap-northeast-1 a fourth, for older accounts only): these are the
 * counts a new account is sure of. Atlas runs dedicated clusters in every AWS commercial region
 * (MongoDB Atlas "Amazon Web Services" reference: "Atlas supports all AWS regions other than some
 * regions in China and US GovCloud"), under the region's upper-snake name (US_EAST_1).
 */
export const AWS_REGION_ZONES: Readonly<Record<string, number>> = {
    "us-east-1": 6,
    "us-east-2": 3,
    "us-west-1": 2,
    "us-west-2": 4,
    "ca-central-1": 3,
    "ca-west-1": 3,
    "mx-central-1": 3,
    "sa-east-1": 3,
    "eu-west-1": 3,
    "eu-west-2": 3,
    "eu-west-3": 3,
    "eu-central-1": 3,
    "eu-central-2": 3,
    "eu-south-1": 3,
    "eu-south-2": 3,
    "eu-north-1": 3,
    "il-central-1": 3,
    "me-south-1": 3,
    "me-central-1": 3,
    "af-south-1": 3,
    "ap-east-1": 3,
    "ap-south-1": 3,
    "ap-south-2": 3,
    "ap-northeast-1": 3,
    "ap-northeast-2": 4,
    "ap-northeast-3": 3,
    "ap-southeast-1": 3,
    "ap-southeast-2": 3,
    "ap-southeast-3": 3,
    "ap-southeast-4": 3,
    "ap-southeast-5": 3,
    "ap-southeast-7": 3,
};
export const AWS_REGIONS = Object.keys(AWS_REGION_ZONES);
/** Atlas region names of the AWS regions above (Atlas's AWS regions). */
export const ATLAS_AWS_REGIONS = AWS_REGIONS.map(atlasRegionName);

export const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
