/**
 * The local engines must only be reachable from this machine: connecting to their port through
 * any non-loopback address of this host must be refused.
 */
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, expect, test } from "vitest";
import { dynamoEndpoint, sqsEndpoint } from "../support/engines";

const externalAddresses = Object.values(networkInterfaces())
  .flatMap((addresses) => addresses ?? [])
  .filter((address) => !address.internal && !address.address.startsWith("fe80:"))
  .map((address) => address.address);

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

describe.skipIf(externalAddresses.length === 0)("local engines listen on 127.0.0.1 only", () => {
  for (const [engine, endpoint] of [
    ["DynamoDB Local", dynamoEndpoint],
    ["SQS emulator", sqsEndpoint],
  ] as const) {
    test(`${engine} is reachable on 127.0.0.1 and on no other address of this host`, async () => {
      const url = new URL(endpoint());
      const port = Number(url.port);
      expect(url.hostname).toBe("127.0.0.1");
      expect(await reachable("127.0.0.1", port)).toBe(true);
      for (const address of externalAddresses) {
        expect(await reachable(address, port), `${engine} answers on ${address}:${port}`).toBe(false);
      }
    });
  }
});
