/**
 * The "existing" servers of the external profile, started here on free loopback ports in temp
 * dirs: PostgreSQL (test/support/postgres.ts) and redis-server/valkey-server with an ACL admin
 * user and an aclfile, so the dynamic provider's ACL SAVE works. Always stopped by the caller.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { sha256Hex } from "../../components/valkey/render";
import { AdminKind, PgServer, PgVersion, findPostgres, startPostgres } from "../../test/support/postgres";
import { Proc, findBinary, freePort, portOpen, startProcess, tempDir, waitFor } from "../../test/support/servers";
import { E2eError } from "./engine";

/** PostgreSQL `version` (npm devDependency) with its admin set up as `admin`; a missing version is an error here. */
export function startPg(version: PgVersion, admin: AdminKind): Promise<PgServer> {
    const install = findPostgres(version);
    if (typeof install === "string") throw new E2eError(`${install}: the e2e needs a real server (not installed)`);
    return startPostgres(install, { admin });
}

export interface ValkeyServer {
    readonly port: number;
    readonly adminUser: string;
    readonly adminPassword: string;
    readonly aclPath: string;
    stop(): Promise<void>;
}

export const VALKEY_ADMIN = "stellaops-admin";

export async function startValkey(): Promise<ValkeyServer> {
    const bin = findBinary("valkey-server") ?? findBinary("redis-server", ["/usr/bin/redis-server"]);
    if (!bin) throw new E2eError("neither valkey-server nor redis-server is installed: the e2e needs a real server");
    const dir = tempDir("e2e-valkey");
    const port = await freePort();
    const adminPassword = randomBytes(16).toString("hex");
    const aclPath = path.join(dir, "users.acl");
    // As someone else runs it: the default user on without a password, plus an ACL admin.
    fs.writeFileSync(aclPath, `user default on nopass ~* &* +@all\nuser ${VALKEY_ADMIN} on #${sha256Hex(adminPassword)} ~* &* +@all\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "valkey.conf"), [`port ${port}`, "bind 127.0.0.1", `dir ${dir}`, `aclfile ${aclPath}`, "save \"\"", ""].join("\n"));
    const proc: Proc = startProcess(bin, [path.join(dir, "valkey.conf")], { cwd: dir });
    await waitFor(`${path.basename(bin)} on ${port}`, async () => {
        if (proc.child.exitCode !== null) throw new Error(`exited: ${proc.output()}`);
        return portOpen(port);
    }, 15000);
    return {
        port,
        adminUser: VALKEY_ADMIN,
        adminPassword,
        aclPath,
        async stop() {
            await proc.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
