import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { TestCollector } from "./collector.js";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the fixture with default options and returns what a newcomer would see on stderr.
 * `signalWhen`: send SIGTERM once stdout shows this.
 */
function run(mode: string, endpoint: string, signalWhen?: string): Promise<Ended> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "test/fixtures/mistakes.ts", mode], {
    cwd: pkg,
    env: { ...process.env, ENDPOINT: endpoint, NODE_ENV: "development" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
    if (signalWhen && stdout.includes(signalWhen)) child.kill("SIGTERM");
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The lines the SDK printed (uncaught-error output from Node itself left out). */
const sdkLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("[inferlog]"));

/** A port nothing listens on: bound, then closed. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

describe("a newcomer's mistakes, with default options, say so on stderr", () => {
  it("a wrong path (404): the endpoint, the status, the collector's answer and the likely cause", async () => {
    collector = await new TestCollector().start();
    collector.reply = () => ({ status: 404, body: '{"error":"No route for POST /events"}' });
    const endpoint = collector.url.replace("/v1/events", "/events");
    const r = await run("log", endpoint);
    expect(r.code, r.stderr).toBe(0);
    expect(sdkLines(r.stderr)).toEqual([
      `[inferlog] Could not deliver 1 event to ${endpoint}: Collector refused the batch with HTTP 404: {"error":"No route for POST /events"} (wrong path? The collector takes events at /v1/events); dropped (stats().dropped.rejected)`,
    ]);
  });

  it("nothing listening: ECONNREFUSED with its cause, then the exit line names the endpoint and the cause", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}/v1/events`;
    const r = await run("log", endpoint);
    expect(r.code, r.stderr).toBe(0);
    const host = new URL(endpoint).host;
    const cause = `network error: ECONNREFUSED connect ECONNREFUSED ${host} (nothing listens on ${host}: is the collector running? (inferlog-collector serve))`;
    expect(sdkLines(r.stderr)).toEqual([
      `[inferlog] Could not deliver 1 event to ${endpoint}: ${cause}; retrying in the background; said once until a delivery succeeds`,
      `[inferlog] 1 event was not delivered before exit to ${endpoint}: it is lost; last error: ${cause}`,
    ]);
  });

  it("https:// to an http collector: the TLS error and the fix", async () => {
    collector = await new TestCollector().start();
    const endpoint = collector.url.replace("http://", "https://");
    const r = await run("log", endpoint);
    const lines = sdkLines(r.stderr);
    expect(lines[0]).toBe(
      `[inferlog] Could not deliver 1 event to ${endpoint}: network error: ERR_SSL_WRONG_VERSION_NUMBER (https:// to a port that speaks plain http? Try ${collector.url}); retrying in the background; said once until a delivery succeeds`,
    );
    expect(lines[1]).toMatch(
      /^\[inferlog\] 1 event was not delivered before exit to https:.*ERR_SSL_WRONG_VERSION_NUMBER/,
    );
    expect(lines).toHaveLength(2);
  });

  it("a missing model, a number as model.version, an invalid field: the field, what came and the fix", async () => {
    collector = await new TestCollector().start();
    // One after the other: child processes started at once load a shared CI machine in bursts.
    const noModel = await run("no-model", collector.url);
    const version = await run("version", collector.url);
    const badField = await run("bad-field", collector.url);
    const dropped = "; the event is dropped (told once per field; stats().dropped counts each)";
    expect(sdkLines(noModel.stderr)).toEqual([
      `[inferlog] Invalid ml.prediction event: Expected \`data.model\` to be object, got nothing (pass \`model: { name, version }\` to createClient or to this call)${dropped}`,
    ]);
    expect(sdkLines(version.stderr)).toEqual([
      `[inferlog] Invalid ml.prediction event: Expected \`data.model.version\` to be string, got number 3 (send it as a string: "3")${dropped}`,
    ]);
    expect(sdkLines(badField.stderr)).toEqual([
      `[inferlog] Invalid ml.feedback event: Expected \`data.action\` to be one of "accepted", "edited", "rejected", "dismissed", "ignored", "copied", "undone", "rated", got string "loved"${dropped}`,
    ]);
    expect(collector.ids).toHaveLength(0);
  });

  it("a Date and NaN among the features: the prediction is delivered, the values fixed and told once", async () => {
    collector = await new TestCollector().start();
    const r = await run("date-feature", collector.url);
    expect(r.code, r.stderr).toBe(0);
    expect(collector.ids).toHaveLength(1);
    const event = JSON.parse(collector.received[0]?.body ?? "[]")[0];
    expect(event.data.features).toEqual({ signup: "2026-01-02T03:04:05.000Z", spend: null });
    expect(sdkLines(r.stderr)).toEqual([
      "[inferlog] Feature `signup` is a Date: sent as its ISO string (send `date.toISOString()` yourself); the event is kept (stats().featureValues counts each)",
      "[inferlog] Feature `spend` is NaN or Infinity: sent as null; the event is kept (stats().featureValues counts each)",
    ]);
  });

  it("misspelt fields: the predictions are delivered without them, each field named once", async () => {
    collector = await new TestCollector().start();
    const r = await run("typo", collector.url);
    expect(r.code, r.stderr).toBe(0);
    expect(collector.ids).toHaveLength(2);
    const event = JSON.parse(collector.received[0]?.body ?? "[]")[0];
    expect(event.data.output).toEqual({ score: 0.8 });
    expect(sdkLines(r.stderr)).toEqual([
      "[inferlog] `output.lable` is not a field of ml.prediction events (check its spelling): it was left out and the event kept; strict mode refuses such events",
      "[inferlog] `featurs` is not a field of ml.prediction events (check its spelling): it was left out and the event kept; strict mode refuses such events",
    ]);
  });

  it("process.exit() with events queued says they are lost and how to keep them", async () => {
    collector = await new TestCollector().start();
    const r = await run("exit", collector.url);
    expect(r.code).toBe(0);
    expect(sdkLines(r.stderr)).toEqual([
      `[inferlog] 1 event was not delivered before process.exit() to ${collector.url}: it is lost (await client.shutdown() before process.exit() delivers what is queued)`,
    ]);
  });

  it("an uncaught error with events queued says so, and the process still fails as it would have", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}/v1/events`;
    const r = await run("uncaught", endpoint);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: the app crashed");
    expect(sdkLines(r.stderr).at(-1)).toMatch(
      new RegExp(
        `^\\[inferlog\\] 1 event was not delivered before an uncaught error ended the process to ${endpoint.replace(/[.]/g, "\\.")}: it is lost`,
      ),
    );
  });

  it("SIGTERM without registerShutdownHooks says what is lost, then dies of SIGTERM as it would have", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}/v1/events`;
    const r = await run("sigterm", endpoint, "ready");
    expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code: null, signal: "SIGTERM" });
    const lines = sdkLines(r.stderr);
    expect(lines[0]).toContain(`Could not deliver 1 event to ${endpoint}: network error: ECONNREFUSED`);
    expect(lines[1]).toMatch(
      /^\[inferlog\] 1 event was not delivered when SIGTERM ended the process to http:\S+: it is lost; last error: network error: ECONNREFUSED .*\(client\.registerShutdownHooks\(\) flushes the queue on signals\)$/,
    );
    expect(lines).toHaveLength(2);
  });

  it("says nothing with logger: false, even when everything is lost", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}/v1/events`;
    const r = await run("silent", endpoint);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});
