// A vitest reporter used by scripts/run-tests.mjs beside the default one: it appends one JSON line
// per test that failed, or passed only after a retry, to the file named by INFERLOG_TEST_OUTCOMES.
// The run's summary reads that file, so the end of a CI log names what failed and why (the head of
// the log, where vitest printed it, is often cut away) and names flaky tests instead of hiding them.
import { appendFileSync } from "node:fs";
import { relative } from "node:path";

const outcomesFile = process.env.INFERLOG_TEST_OUTCOMES;
const FRAMES = 3;

/** The message and the first stack frames in our code: what failed and where, not the runner's frames. */
function headOf(error) {
  const message = error?.message ?? String(error);
  const frames = (error?.stack ?? "")
    .split("\n")
    .filter((line) => line.trim().startsWith("at ") && !line.includes("node_modules"))
    .slice(0, FRAMES);
  return [message, ...frames.map((frame) => frame.trim())].join("\n");
}

export default class OutcomesReporter {
  onTestCaseResult(testCase) {
    if (!outcomesFile) return;
    const result = testCase.result();
    const retries = testCase.diagnostic()?.retryCount ?? 0;
    const flaky = result.state === "passed" && retries > 0;
    if (result.state !== "failed" && !flaky) return;
    const outcome = {
      file: relative(process.cwd(), testCase.module.moduleId),
      name: testCase.fullName,
      state: flaky ? "flaky" : "failed",
      retries,
      errors: [...new Set((result.errors ?? []).map(headOf))],
    };
    appendFileSync(outcomesFile, `${JSON.stringify(outcome)}\n`);
  }

  /** Errors outside any test: a module that failed to load, an unhandled rejection. */
  onTestRunEnd(testModules, unhandledErrors) {
    if (!outcomesFile) return;
    const record = (file, name, errors) =>
      appendFileSync(
        outcomesFile,
        `${JSON.stringify({ file, name, state: "failed", retries: 0, errors: errors.map(headOf) })}\n`,
      );
    for (const testModule of testModules) {
      const errors = testModule.errors?.() ?? [];
      if (errors.length > 0) record(relative(process.cwd(), testModule.moduleId), "(the module itself)", errors);
    }
    if (unhandledErrors.length > 0) record("", "(unhandled errors)", [...unhandledErrors]);
  }
}
