import { describe, expect, it } from "vitest";
import { createBaseClient } from "./base-client.js";
import { compiledValidateEvent } from "./compiled.js";
import { ValidationError } from "./errors.js";
import { liteValidateEvent } from "./lite-validate.js";
import type { EventValidator } from "./pipeline.js";
import { strayFields } from "./stray-fields.js";
import { MODEL, predictionInput, setup } from "./test-helpers.js";
import { uncheckedEvent } from "./unchecked.js";
import { validateEvent } from "./validate.js";
import { wellFormedText } from "./well-formed-json.js";

describe("strayFields", () => {
  it("names the first key the copy lacks, through objects and arrays", () => {
    expect(strayFields({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2 } })).toEqual([".b.d"]);
    expect(
      strayFields(
        {
          list: [
            { id: "a", x: 1 },
            { id: "b", scroe: 1 },
          ],
          y: 2,
        },
        { list: [{ id: "a" }, { id: "b" }] },
      ),
    ).toEqual([".list[0].x", ".list[1].scroe", ".y"]);
  });

  it("reads an undefined value as absent, and a copy that is the event itself as nothing left out", () => {
    const event = { a: 1, extra: 2 };
    expect(strayFields({ a: 1, gone: undefined }, { a: 1 })).toBeUndefined();
    expect(strayFields(event, event)).toBeUndefined();
  });

  it("finds keys named like Object.prototype's members, which `in` would miss", () => {
    expect(strayFields({ output: { toString: "x", hasOwnProperty: 1 } }, { output: {} })).toEqual([
      ".output.toString",
      ".output.hasOwnProperty",
    ]);
  });

  it("names at most 8 fields of one event", () => {
    const given = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`k${index}`, index]));
    expect(strayFields(given, {})).toHaveLength(8);
  });
});

const validators: [string, EventValidator][] = [
  ["zod's runtime parser", validateEvent],
  ["zod's compiled parser", compiledValidateEvent],
  ["the lite validator (the browser's development build)", liteValidateEvent],
];

describe.each(validators)("a field the contract does not know, with %s", (_name, validator) => {
  const withLogger = (strict = false) => {
    const warnings: string[] = [];
    const { client, transport } = setup({ validator, strict, logger: { warn: (message) => warnings.push(message) } });
    return { client, transport, warnings };
  };

  it("is left out, the event kept, and said once per field and event type", async () => {
    const { client, transport, warnings } = withLogger();
    const typo = () => ({ ...predictionInput(), output: { lable: "billing", score: 0.9 } });
    client.logPrediction(typo());
    client.logPrediction(typo());
    client.logOutcome({ predictionId: "p-1", label: "billing", lable: "x" } as never);
    await client.flush();
    expect(transport.events).toHaveLength(3);
    expect((transport.events[0]?.data as { output?: object } | undefined)?.output).toEqual({ score: 0.9 });
    expect(client.stats().dropped.total).toBe(0);
    const said = warnings.filter((message) => message.includes("is not a field"));
    expect(said).toEqual([
      "`output.lable` is not a field of ml.prediction events (check its spelling): it was left out and the event kept; strict mode refuses such events",
      expect.stringContaining("`lable` is not a field of ml.outcome events"),
    ]);
  });

  it("names every field left out, at the top of the input and inside a list, positions folded", async () => {
    const { client, warnings } = withLogger();
    const { features } = predictionInput();
    client.logPrediction({ output: { lable: "a" }, featurs: features } as never);
    client.logPrediction({
      output: { label: "a", candidates: [{ id: "a", scroe: 0.5 }] },
    } as never);
    client.logPrediction({
      output: { label: "a", candidates: [{ id: "a" }, { id: "b", scroe: 0.5 }] },
    } as never);
    await client.flush();
    const said = warnings.filter((message) => message.includes("is not a field"));
    expect(said.map((message) => message.split(" ")[0])).toEqual([
      "`output.lable`",
      "`featurs`",
      "`output.candidates[0].scroe`",
    ]);
  });

  it("is refused in strict mode, the error naming it", () => {
    const { client } = withLogger(true);
    let thrown: unknown;
    try {
      client.logPrediction({ output: { lable: "billing" }, featurs: {} } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).field).toBe("output.lable");
    expect((thrown as Error).message).toBe(
      "Invalid ml.prediction event: `output.lable`, `featurs` are not fields of ml.prediction events (check their spelling)",
    );
    expect(client.stats().dropped.invalid).toBe(1);
  });

  it("says nothing of an event with only the contract's fields", async () => {
    const { client, transport, warnings } = withLogger();
    client.logPrediction(predictionInput());
    client.logExposure({ predictionId: "p-1", surface: "inbox", shown: ["billing"] });
    client.logFeedback({ predictionId: "p-1", action: "accepted", candidateId: "billing" });
    client.logOutcome({ predictionId: "p-1", label: "billing" });
    await client.flush();
    expect(client.stats().dropped.total, JSON.stringify(warnings)).toBe(0);
    expect(transport.events).toHaveLength(4);
    expect(warnings.filter((message) => message.includes("is not a field"))).toEqual([]);
  });
});

it("names the field right when reading it logs again (a getter, in strict mode, where events are prepared inline)", () => {
  const { client } = setup({ strict: true });
  const output = {
    label: "billing",
    get lable() {
      client.logOutcome({ predictionId: "p-1", label: "billing" }); // walked, valid, while the outer walk is halfway
      return "billing";
    },
  };
  let thrown: unknown;
  try {
    client.logPrediction({ output } as never);
  } catch (error) {
    thrown = error;
  }
  expect((thrown as ValidationError).field).toBe("output.lable");
});

it("quotes a long or hostile field name as validation does: cut at 128 units, never half a surrogate pair", async () => {
  const warnings: string[] = [];
  const { client, transport } = setup({ logger: { warn: (message) => warnings.push(message) } });
  const long = `a${"😀".repeat(100)}`; // the 128th unit is the first half of a pair
  client.logOutcome({ predictionId: "p-1", label: "billing", [long]: 1, "nul\u0000key": 2 } as never);
  await client.flush();
  expect(transport.events).toHaveLength(1);
  const said = warnings.filter((message) => message.includes("is not a field"));
  expect(said).toHaveLength(2);
  expect(said[0]).toContain(`\`a${"😀".repeat(63)}\ufffd\``);
  expect(said[1]).toContain("`nul\u0000key`");
  for (const message of said) expect(wellFormedText(message)).toBe(message);
});

it("a field beforeSend adds to the envelope is named as it stands", async () => {
  const warnings: string[] = [];
  const { client } = setup({
    logger: { warn: (message) => warnings.push(message) },
    beforeSend: (event) => ({ ...event, extra: 1 }),
  });
  client.logOutcome({ predictionId: "p-1", label: "billing" });
  await client.flush();
  expect(warnings.filter((message) => message.includes("is not a field"))).toEqual([
    expect.stringContaining("`extra` is not a field of ml.outcome events"),
  ]);
});

it("without in-process validation (the browser's production build) nothing is left out here, so nothing is said", async () => {
  const warnings: string[] = [];
  const { MemoryTransport } = await import("./testing/memory-transport.js");
  const transport = new MemoryTransport();
  const client = createBaseClient(
    { transport, source: "t", model: MODEL, logger: { warn: (message) => warnings.push(message) } },
    { validator: uncheckedEvent },
  );
  client.logPrediction({ output: { lable: "billing" } } as never);
  await client.flush();
  expect(warnings).toEqual([]);
  expect((transport.events[0]?.data as { output?: object } | undefined)?.output).toEqual({ lable: "billing" });
});
