import { describe, expect, it } from "vitest";
import { fullJitter, nextRetry, type RetryOptions } from "./retry-policy.js";

const policy = (random = 0.5): RetryOptions => ({
  maxAttempts: 5,
  maxRetryDurationMs: 10_000,
  minBackoffMs: 500,
  maxBackoffMs: 5_000,
  maxRetryAfterMs: 60_000,
  random: () => random,
});

describe("retry policy", () => {
  it("waits a full-jitter backoff that doubles per attempt up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => fullJitter(n, 500, 5_000, () => 0.999))).toEqual([
      499, 999, 1998, 3996, 4995, 4995,
    ]);
    expect(nextRetry(policy(), undefined, 3, 0)).toEqual({ _retry: true, _waitMs: 1_000, _serverWait: false });
  });

  it("honours Retry-After when it is longer, capped at maxRetryAfterMs, as a wait a flush must not cut", () => {
    expect(nextRetry(policy(), 3_000, 1, 0)).toEqual({ _retry: true, _waitMs: 3_000, _serverWait: true });
    expect(nextRetry(policy(), 100, 3, 0)).toEqual({ _retry: true, _waitMs: 1_000, _serverWait: false });
    expect(nextRetry({ ...policy(), maxRetryDurationMs: 1e9 }, 600_000, 1, 0)).toMatchObject({ _waitMs: 60_000 });
  });

  it("gives up after maxAttempts, or when the wait would end past maxRetryDurationMs", () => {
    expect(nextRetry(policy(), undefined, 5, 0)).toEqual({ _retry: false, _why: "5 attempts" });
    expect(nextRetry(policy(), undefined, 2, 9_600)).toEqual({ _retry: false, _why: "9600 ms of retrying" });
    expect(nextRetry(policy(), undefined, 2, 9_400)).toMatchObject({ _retry: true, _waitMs: 500 });
  });
});
