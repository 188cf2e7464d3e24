import type { BrowserClient } from "@inferlog/browser";
import { Exposure } from "@inferlog/react";
import { useState } from "react";
import { type Suggestion, suggest, TICKETS } from "./suggest.js";

interface Shown {
  /** Counts the tickets shown (TICKETS repeat): each showing is a new prediction. */
  showing: number;
  ranked: Suggestion[];
  predictionId: string;
}

// Logging is a side effect: in development StrictMode (main.tsx) calls render functions and useMemo
// callbacks twice, so logging in either logged every prediction twice, the second never shown. The
// prediction for the ticket on screen is kept here, outside React: the first render of a showing logs
// it, every other render (StrictMode's second one included) gets the same one back.
let current: Shown | undefined;

function predictionFor(client: BrowserClient, showing: number, text: string): Shown {
  if (current?.showing !== showing) {
    const ranked = suggest(text);
    const { predictionId } = client.logPrediction({
      task: "ranking",
      output: { candidates: ranked.map((s) => ({ id: s.id, score: s.score })), k: ranked.length },
    });
    current = { showing, ranked, predictionId };
  }
  return current;
}

/**
 * One ticket at a time with ranked reply suggestions. The `<Exposure>` wrapper logs the exposure once
 * the list is on screen; clicking a suggestion is `accepted`, changing it before sending is `edited`,
 * "Dismiss" is `dismissed`, and moving on (or 20 s, or leaving the page) with nothing done is `ignored`.
 */
export function Inbox({ client }: { client: BrowserClient }) {
  const [ticket, setTicket] = useState(0);
  const [reply, setReply] = useState("");
  const [accepted, setAccepted] = useState<string | undefined>();
  const [log, setLog] = useState<string[]>([]);
  const note = (line: string) => setLog((l) => [line, ...l].slice(0, 30));

  const text = TICKETS[ticket % TICKETS.length] ?? "";
  // One prediction per ticket shown, however often React renders it (see predictionFor).
  const { ranked, predictionId } = predictionFor(client, ticket, text);

  const next = () => {
    setTicket((t) => t + 1);
    setReply("");
    setAccepted(undefined);
  };

  return (
    <>
      <div className="ticket">{text}</div>
      <h2>Suggested replies</h2>
      {/* A new predictionId ends the previous exposure (as `ignored` if nothing was done) and starts this one. */}
      <Exposure
        className="suggestions"
        predictionId={predictionId}
        shown={ranked.map((s) => s.id)}
        surface="reply-suggestions"
        ignoreAfterMs={20_000}
      >
        {(exposure) => (
          <>
            {ranked.map((s) => (
              <button
                type="button"
                key={s.id}
                onClick={() => {
                  if (exposure.accept(s.id)) note(`accepted ${s.id}`);
                  setReply(s.text);
                  setAccepted(s.text);
                }}
              >
                {s.text}
              </button>
            ))}
            <button type="button" onClick={() => exposure.dismiss() && note("dismissed")}>
              Dismiss suggestions
            </button>
            <h2>Your reply</h2>
            <textarea value={reply} onChange={(e) => setReply(e.target.value)} />
            <button
              type="button"
              onClick={() => {
                // Sending an accepted reply after changing it is an edit: the model was close, not right.
                if (accepted !== undefined && reply !== accepted && exposure.edit()) note("edited");
                note(`sent (exposure ${exposure.state})`);
              }}
            >
              Send
            </button>{" "}
            <button type="button" onClick={next}>
              Next ticket
            </button>
          </>
        )}
      </Exposure>
      <pre id="log">{log.join("\n")}</pre>
    </>
  );
}
