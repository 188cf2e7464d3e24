import { lookup } from "node:dns/promises";
import { isLoopbackAddress } from "./auth.js";

/**
 * True when every address `host` resolves to is a loopback address. The resolved addresses decide, so
 * `127.attacker.example` (any address) or a hosts-file entry pointing `localhost` elsewhere is not loopback.
 */
export async function resolvesToLoopback(host: string): Promise<boolean> {
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    // An unresolvable name fails in listen() itself with the system's message.
    return false;
  }
  return addresses.length > 0 && addresses.every((left) => isLoopbackAddress(left.address));
}
