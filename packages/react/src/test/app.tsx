import { createClient } from "@inferlog/browser";
import { StrictMode, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { Exposure, InferlogProvider, useExposure } from "../index.js";

export interface MountProps {
  id: string;
  ignoreAfterMs?: number;
  strict?: boolean;
  offscreen?: boolean;
  hook?: boolean;
  /** useExposure following an element that a button replaces (list view to grid view). */
  swap?: boolean;
}

const client = createClient({
  endpoint: "/v1/events",
  source: "react-test",
  model: { name: "reply-suggester", version: "v1" },
  flushIntervalMs: 50,
});

function Suggestions({ id, ignoreAfterMs, offscreen }: MountProps) {
  return (
    <>
      {offscreen ? <div id="spacer" style={{ height: "3000px" }} /> : null}
      <Exposure
        predictionId={id}
        shown={["a", "b"]}
        surface="reply-box"
        className="suggestions"
        {...(ignoreAfterMs ? { ignoreAfterMs } : {})}
      >
        {(x) => (
          <>
            <span id="state">{x.state}</span>
            <button type="button" id="accept-b" onClick={() => x.accept("b")}>
              b
            </button>
            <button type="button" id="dismiss" onClick={() => x.dismiss()}>
              x
            </button>
          </>
        )}
      </Exposure>
      {offscreen ? <div style={{ height: "3000px" }} /> : null}
    </>
  );
}

function HookOnly({ id }: MountProps) {
  const x = useExposure({ predictionId: id, shown: ["a"], surface: "hook" });
  return (
    <div>
      <span id="state">{x.state}</span>
      <button type="button" id="reject" onClick={() => x.reject()}>
        r
      </button>
    </div>
  );
}

function Swappable({ id }: MountProps) {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [grid, setGrid] = useState(false);
  const x = useExposure({ predictionId: id, shown: ["a", "b"], surface: "swap" }, { element });
  const accept = (
    <button type="button" id="accept-b" onClick={() => x.accept("b")}>
      b
    </button>
  );
  return (
    <>
      <span id="state">{x.state}</span>
      <button type="button" id="to-grid" onClick={() => setGrid(true)}>
        grid
      </button>
      {grid ? (
        <div id="grid" ref={setElement}>
          {accept}
        </div>
      ) : (
        <ul id="list" ref={setElement}>
          <li>{accept}</li>
        </ul>
      )}
    </>
  );
}

let root: Root | null = null;
const w = window as unknown as Record<string, unknown>;
w.client = client;
w.mount = (props: MountProps) => {
  root?.unmount();
  root = createRoot(document.getElementById("root")!);
  const tree = (
    <InferlogProvider client={client}>
      {props.swap ? <Swappable {...props} /> : props.hook ? <HookOnly {...props} /> : <Suggestions {...props} />}
    </InferlogProvider>
  );
  root.render(props.strict ? <StrictMode>{tree}</StrictMode> : tree);
};
w.unmount = () => {
  root?.unmount();
  root = null;
};
