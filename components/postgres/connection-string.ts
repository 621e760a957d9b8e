/**
 * Connection settings in the forms StellaOps' .NET services read (StellaOps' public documentation): an Npgsql
 * keyword connection string next to the libpq URL. Pure; the component wraps them as secrets.
 */

export type LibpqSslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

/** libpq sslmode to Npgsql `SSL Mode` (same semantics; Npgsql spells them in PascalCase). */
export const NPGSQL_SSL_MODE: Readonly<Record<LibpqSslMode, string>> = {
    disable: "Disable",
    allow: "Allow",
    prefer: "Prefer",
    require: "Require",
    "verify-ca": "VerifyCA",
    "verify-full": "VerifyFull",
};

export interface NpgsqlParts {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly username: string;
    readonly password: string;
    readonly searchPath: readonly string[];
    readonly sslMode: string;
    /** Backend options, e.g. `-c role=<service role>` for the migrator acting as a service. */
    readonly options?: string;
}

export function npgsqlSslMode(mode: string): string {
    const mapped = NPGSQL_SSL_MODE[mode as LibpqSslMode];
    if (!mapped) throw new Error(`sslMode: expected one of ${Object.keys(NPGSQL_SSL_MODE).join(", ")}, got ${JSON.stringify(mode)}`);
    return mapped;
}

/** DbConnectionStringBuilder quoting: values with separators, quotes or edge spaces go in double quotes. */
function quote(value: string): string {
    return /[;"'=]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `Host=...;Port=...;Database=...;Username=...;Password=...;Search Path=a,b;SSL Mode=...[;Options=...]`. */
export function npgsqlConnectionString(p: NpgsqlParts): string {
    const pairs: [string, string][] = [
        ["Host", p.host],
        ["Port", String(p.port)],
        ["Database", p.database],
        ["Username", p.username],
        ["Password", p.password],
        ["Search Path", p.searchPath.join(",")],
        ["SSL Mode", npgsqlSslMode(p.sslMode)],
    ];
    if (p.options) pairs.push(["Options", p.options]);
    return pairs.map(([k, v]) => `${k}=${quote(v)}`).join(";");
}

/** The libpq URL form (`postgres://user:password@host:port/db?sslmode=...`). */
export function postgresUrl(p: Omit<NpgsqlParts, "searchPath">): string {
    const e = encodeURIComponent;
    const options = p.options ? `&options=${e(p.options)}` : "";
    return `postgres://${e(p.username)}:${e(p.password)}@${p.host}:${p.port}/${e(p.database)}?sslmode=${p.sslMode}${options}`;
}
