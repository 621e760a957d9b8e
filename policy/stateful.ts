/** The stateful type table lives with the components that protect those types; the pack reads it from there. */
export * from "../components/stateful";
