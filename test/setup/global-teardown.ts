export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __beaconPg?: { stop(): Promise<void> } }).__beaconPg?.stop();
}
