/** A collector's answer, its body read whole (an unread body would hold the connection). */
export interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface Exchange {
  /** Settles with the reply, or rejects with the client's error (network, timeout, abort). */
  reply: Promise<Reply>;
  /** Stops the request now: `reply` rejects at once with an `ABORTED` error. */
  abort(): void;
}

/**
 * What carries a POST to the collector's endpoint: `node:http` (the default, `http-exchange.ts`)
 * or an undici dispatcher the app passed in (`undici-exchange.ts`).
 */
export interface Poster {
  post(headers: Record<string, string>, body: string | Buffer): Exchange;
  /** Closes the connections this poster opened (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
}

/** An error with a `code`, as Node's own network errors carry one. */
export function codedError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/** The error an aborted request rejects with, whichever client carried it. */
export const abortedError = () => codedError("ABORTED", "the request was aborted");
