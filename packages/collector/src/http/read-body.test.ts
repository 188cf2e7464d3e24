import { randomBytes } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BodyError, type BodyLimits, readBody } from "./read-body.js";

const MIB = 1024 * 1024;
let server: Server;
let port: number;
/** The limits the next request is read with. */
let limits: BodyLimits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 20 * MIB };

beforeAll(async () => {
  server = createServer((req, res) => {
    readBody(req, limits).then(
      (body) => res.end(JSON.stringify({ length: body.length, sha: body.subarray(0, 64).toString("base64") })),
      (e: BodyError) => {
        res.statusCode = e.status;
        res.end(JSON.stringify({ error: e.message }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function post(body: Buffer, encoding: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", headers: { "content-encoding": encoding }, agent: false },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const expectBody = (plain: Buffer) => ({
  status: 200,
  json: { length: plain.length, sha: plain.subarray(0, 64).toString("base64") },
});

describe("readBody", () => {
  it("inflates small bodies of every encoding to their exact bytes", async () => {
    limits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 20 * MIB };
    const plain = Buffer.from(JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ i, s: "é😀" }))));
    expect(await post(gzipSync(plain), "gzip")).toEqual(expectBody(plain));
    expect(await post(deflateSync(plain), "deflate")).toEqual(expectBody(plain));
    expect(await post(brotliCompressSync(plain), "br")).toEqual(expectBody(plain));
    expect(await post(plain, "identity")).toEqual(expectBody(plain));
  });

  it("takes a small body that inflates past a mebibyte, within the limit", async () => {
    limits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 20 * MIB };
    const plain = Buffer.alloc(3 * MIB, "x");
    const wire = gzipSync(plain);
    expect(wire.length).toBeLessThan(64 * 1024);
    expect(await post(wire, "gzip")).toEqual(expectBody(plain));
  });

  it("takes a large compressed body (inflated off the event loop)", async () => {
    limits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 20 * MIB };
    const plain = Buffer.from(randomBytes(400 * 1024).toString("hex"));
    const wire = gzipSync(plain);
    expect(wire.length).toBeGreaterThan(64 * 1024);
    expect(await post(wire, "gzip")).toEqual(expectBody(plain));
  });

  it("refuses a body that inflates past the limit, small or large on the wire", async () => {
    limits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 2 * MIB };
    const error = { error: "The gzip body inflates to over 2097152 bytes, over the limit; send smaller batches" };
    expect(await post(gzipSync(Buffer.alloc(3 * MIB, "x")), "gzip")).toEqual({ status: 413, json: error });
    const large = gzipSync(Buffer.from(randomBytes(1.5 * MIB).toString("hex")));
    expect(large.length).toBeGreaterThan(64 * 1024);
    expect(await post(large, "gzip")).toEqual({ status: 413, json: error });
    limits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 1000 };
    expect(await post(deflateSync(Buffer.alloc(1001, "x")), "deflate")).toEqual({
      status: 413,
      json: { error: "The deflate body inflates to over 1000 bytes, over the limit; send smaller batches" },
    });
    expect(await post(deflateSync(Buffer.alloc(1000, "x")), "deflate")).toEqual(expectBody(Buffer.alloc(1000, "x")));
  });

  it("refuses a corrupt body with 400 naming the encoding", async () => {
    limits = { maxBodyBytes: 5 * MIB, maxDecompressedBytes: 20 * MIB };
    const small = await post(Buffer.from("not gzip at all"), "gzip");
    expect(small.status).toBe(400);
    expect(small.json.error).toMatch(/^The gzip body is corrupt: /);
    const truncated = gzipSync(Buffer.from(randomBytes(200 * 1024).toString("hex")));
    const cut = await post(truncated.subarray(0, truncated.length - 100), "gzip");
    expect(cut.status).toBe(400);
    expect(cut.json.error).toBe("The gzip body is corrupt: unexpected end of file");
  });
});
