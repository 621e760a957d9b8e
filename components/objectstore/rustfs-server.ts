/**
 * Pure facts about the RustFS server both platforms run: its S3 port, health endpoint, data
 * directory, user and the plain environment. Credentials are added by the platform components
 * as secrets.
 */

/** RustFS listens for S3 on 9000 inside the container (the console, 9001, stays off). */
export const RUSTFS_S3_PORT = 9000;
export const RUSTFS_HEALTH_PATH = "/health";
export const RUSTFS_DATA_DIR = "/data";
export const RUSTFS_LOG_DIR = "/logs";
/** uid/gid of the `rustfs` user in the image. */
export const RUSTFS_UID = 10001;
export const RUSTFS_ACCESS_KEY_ENV = "RUSTFS_ACCESS_KEY";
export const RUSTFS_SECRET_KEY_ENV = "RUSTFS_SECRET_KEY";

/** Plain environment: one volume, S3 on all interfaces of the container, no web console. */
export function rustfsEnv(): Record<string, string> {
    return {
        RUSTFS_VOLUMES: RUSTFS_DATA_DIR,
        RUSTFS_ADDRESS: `0.0.0.0:${RUSTFS_S3_PORT}`,
        RUSTFS_CONSOLE_ENABLE: "false",
        RUSTFS_OBS_LOG_DIRECTORY: RUSTFS_LOG_DIR,
    };
}

/** Health check inside the container (the image ships curl). */
export const RUSTFS_HEALTHCHECK = ["curl", "-fsS", `http://127.0.0.1:${RUSTFS_S3_PORT}${RUSTFS_HEALTH_PATH}`];
