import { type Agent, request } from "node:http";

/**
 * POSTs one CloudEvents batch to a collector on 127.0.0.1 and resolves once the collector answered
 * 200 having accepted `accepted` events and refused none; anything else rejects with the status and
 * the body. A Buffer body is sent as gzip (the benches replay pre-encoded batches), a string as is.
 */
export function postBatch(port: number, agent: Agent, body: Buffer | string, accepted: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/v1/events",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/cloudevents-batch+json",
          ...(typeof body === "string" ? {} : { "content-encoding": "gzip" }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () =>
          res.statusCode === 200 && text.startsWith(`{"accepted":${accepted},"rejected":[]`)
            ? resolve()
            : reject(new Error(`${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
