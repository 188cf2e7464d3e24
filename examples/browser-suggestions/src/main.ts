import { createClient, type ExposureHandle, trackElementExposure } from "@inferlog/browser";
import { suggest, TICKETS } from "./suggest.js";

// A public write key (or `getToken` returning a token your backend minted). Never a secret key.
const inferlog = createClient({
  endpoint: import.meta.env.VITE_INFERLOG_ENDPOINT ?? "/v1/events",
  ...(import.meta.env.VITE_INFERLOG_WRITE_KEY ? { writeKey: import.meta.env.VITE_INFERLOG_WRITE_KEY } : {}),
  source: "support-inbox",
  model: { name: "reply-suggester", version: "2026-11-20", trainedAt: "2026-11-18T00:00:00Z" },
  onError: (e) => log(`inferlog: ${e.message}`),
});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const reply = $<HTMLTextAreaElement>("reply");
let ticket = 0;
let exposure: ExposureHandle | undefined;
let acceptedText: string | undefined;

function log(line: string): void {
  $("log").textContent = `${line}\n${$("log").textContent ?? ""}`.slice(0, 2000);
}

function show(): void {
  const text = TICKETS[ticket % TICKETS.length] ?? "";
  $("ticket").textContent = text;
  reply.value = "";
  acceptedText = undefined;
  const ranked = suggest(text);
  const { predictionId } = inferlog.logPrediction({
    task: "ranking",
    output: { candidates: ranked.map((s) => ({ id: s.id, score: s.score })), k: ranked.length },
  });
  const box = $("suggestions");
  box.replaceChildren(
    ...ranked.map((s) => {
      const b = document.createElement("button");
      b.textContent = s.text;
      b.onclick = () => {
        if (exposure?.accept(s.id)) log(`accepted ${s.id}`);
        reply.value = s.text;
        acceptedText = s.text;
      };
      return b;
    }),
  );
  // Logged once the list is really on screen; `ignored` after 20 s, on scroll-away or on leaving the page.
  exposure = trackElementExposure(inferlog, box, {
    predictionId,
    shown: ranked.map((s) => s.id),
    surface: "reply-suggestions",
    ignoreAfterMs: 20_000,
  });
}

$("dismiss").onclick = () => exposure?.dismiss() && log("dismissed");
$("send").onclick = () => {
  // Sending an accepted reply after changing it is an edit: the model was close, not right.
  if (acceptedText !== undefined && reply.value !== acceptedText) exposure?.edit() && log("edited");
  log(`sent; stats ${JSON.stringify(inferlog.stats().storage)}`);
};
$("next").onclick = () => {
  exposure?.leave();
  ticket++;
  show();
};

show();
