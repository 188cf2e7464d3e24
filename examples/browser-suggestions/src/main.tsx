import { createClient } from "@inferlog/browser";
import { InferlogProvider } from "@inferlog/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Inbox } from "./inbox.js";

// A public write key (or `getToken` returning a token your backend minted). Never a secret key.
const inferlog = createClient({
  endpoint: import.meta.env.VITE_INFERLOG_ENDPOINT ?? "/v1/events",
  ...(import.meta.env.VITE_INFERLOG_WRITE_KEY ? { writeKey: import.meta.env.VITE_INFERLOG_WRITE_KEY } : {}),
  source: "support-inbox",
  model: { name: "reply-suggester", version: "2026-11-20", trainedAt: "2026-11-18T00:00:00Z" },
});

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <InferlogProvider client={inferlog}>
      <Inbox client={inferlog} />
    </InferlogProvider>
  </StrictMode>,
);
