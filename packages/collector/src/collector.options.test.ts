import { isConfigError } from "@inferlog/core";
import { describe, expect, it } from "vitest";
import { storeFixture } from "../test/test-support.js";
import { createCollector } from "./collector.js";

describe("createCollector options", () => {
  it("names the option and the value it refuses", async () => {
    const fx = storeFixture("sqlite");
    await expect(createCollector({ store: fx.spec, maxBodyBytes: 0 })).rejects.toThrow(
      "Expected `maxBodyBytes` to be a positive integer, got `0`",
    );
    await expect(createCollector({ store: "mysql://db/x" })).rejects.toThrow(
      'Expected `store` to start with "sqlite:" or "clickhouse://", got `"mysql://db/x"` (for example sqlite:./inferlog.db)',
    );
    await expect(createCollector({ store: 42 as unknown as string })).rejects.toThrow(
      'Expected `store` to be a string such as "sqlite:./inferlog.db" or an opened Store, got `42`',
    );
    // String() throws on a null-prototype object, and a missing store used to be read as one.
    await expect(createCollector({ store: Object.create(null) })).rejects.toThrow(
      'Expected `store` to be a string such as "sqlite:./inferlog.db" or an opened Store, got `{}`',
    );
    await expect(createCollector({} as never)).rejects.toThrow(
      'Expected `store` to be a string such as "sqlite:./inferlog.db" or an opened Store, got `undefined`',
    );
    await expect(createCollector(null as never)).rejects.toThrow(
      "Expected createCollector options to be an object, got `null`",
    );
    await expect(createCollector({ store: "sqlite:" })).rejects.toThrow(
      'Expected a file after "sqlite:" in `store`, got `"sqlite:"`',
    );
    // A password in the spec never reaches the message (it ends up in logs).
    await expect(createCollector({ store: "mysql://admin:s3cret@db/x" })).rejects.toThrow(
      'got `"mysql://admin:***@db/x"`',
    );
    await expect(createCollector({ store: "clickhouse://u:p@ss w0rd@[bad/x" })).rejects.toThrow(
      'Expected `store` to be a URL such as clickhouse://127.0.0.1:8123/inferlog, got `"clickhouse://u:***@[bad/x"`',
    );
    expect(await createCollector({ store: "mysql://db/x" }).catch(isConfigError)).toBe(true);
    await expect(
      createCollector({
        store: fx.spec,
        auth: { keys: [{ key: "pk_0123456789abcdef", kind: "browser", origins: [] }] },
      }),
    ).rejects.toThrow("Invalid auth config: `keys[0]");
    const c = await createCollector({ store: fx.spec });
    await expect(c.listen({ port: 70_000 })).rejects.toThrow(
      "Expected `port` to be an integer from 0 to 65535, got `70000`",
    );
    await expect(c.listen({ host: Object.create(null) })).rejects.toThrow(
      "Expected `host` to be an address such as 127.0.0.1, got `{}`",
    );
    await c.close();
    await fx.cleanup();
  });

  it("fails loudly when ClickHouse is unreachable", async () => {
    await expect(createCollector({ store: "clickhouse://127.0.0.1:1/inferlog" })).rejects.toThrow(
      /^ClickHouse at http:\/\/127\.0\.0\.1:1 is unreachable/,
    );
  });
});
