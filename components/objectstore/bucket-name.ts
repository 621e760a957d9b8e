/**
 * S3 bucket naming rules (general purpose buckets), checked before anything is registered so a
 * bad name is a config error, not a failed `pulumi up` halfway through.
 */

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Returns what is wrong with `name` as an S3 bucket name ("expected ..."), or undefined when valid. */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return `expected 3 to 63 characters (${name.length} here)`;
    if (!/^[a-z0-9.-]+$/.test(name)) return "expected only lowercase letters, digits, dots and hyphens";
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "expected a letter or digit first and last";
    if (name.includes("..")) return "expected no two adjacent dots";
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "expected a name that is not formatted as an IP address";
    const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
    if (prefix) return `expected no reserved prefix (${prefix})`;
    const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
    if (suffix) return `expected no reserved suffix (${suffix})`;
    return undefined;
}
