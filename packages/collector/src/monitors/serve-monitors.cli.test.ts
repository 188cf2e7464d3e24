import { writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { spawnCli } from "../../test/test-child.js";
import { postBatch, rawRequest } from "../../test/test-http.js";
import { prediction, storeFixture } from "../../test/test-support.js";
import { startReceiver } from "../../test/webhook-receiver.js";

const SECRET = "whsec-serve-test-0123456789";

it("serve evaluates its monitors on start; a hanging webhook holds up neither ingest nor shutdown, and no secret is logged", async () => {
  const fx = storeFixture("sqlite");
  const receiver = await startReceiver();
  receiver.answers.push("hang");
  const file = fx.spec.replace("sqlite:", "").replace("inferlog.db", "collector.json");
  writeFileSync(
    file,
    JSON.stringify({
      monitors: {
        fireAfter: 1,
        rules: [{ id: "batch-silent", kind: "no_events", source: "nightly-batch", minutes: 5 }],
      },
      notifications: { webhooks: [{ name: "ops", url: receiver.url, secret: SECRET, timeoutMs: 60_000 }] },
    }),
  );
  const child = await spawnCli(["serve", "--port", "0", "--store", fx.spec, "--config", file]);
  try {
    const url = /listening on (\S+)/.exec(child.output())?.[1];
    // The source never sent anything: the first evaluation fires, and the webhook gets it and hangs.
    for (let i = 0; i < 100 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received.map((r) => [r.json.status, r.json.monitorId])).toEqual([["firing", "batch-silent"]]);
    // Ingest answers while the webhook still hangs.
    const started = performance.now();
    expect((await postBatch(`${url}/v1/events`, [prediction(), prediction()])).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);
    const alerts = (await rawRequest(`${url}/v1/alerts`, { method: "GET" })).json() as {
      firing: { monitorId: string; scopeKey: string }[];
    };
    expect(alerts.firing.map((f) => [f.monitorId, f.scopeKey])).toEqual([["batch-silent", "source=nightly-batch"]]);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain("alert firing: batch-silent source=nightly-batch");
    expect(child.output()).not.toContain(SECRET);
    expect(child.output()).not.toContain("secret-token");
  } finally {
    child.proc.kill("SIGKILL");
    await receiver.close();
    await fx.cleanup();
  }
});
