/// <reference path="./undici-modules.d.ts" />
/**
 * The three parts of undici the transport uses, each loaded from its own module. undici's index loads all of
 * undici (fetch, WebSocket, EventSource, cookies, caches: about a hundred files), which cost about 100 ms of CPU
 * more at every cold start than these three (`pnpm bench`, scenario `cold-start`; docs/node.md, "Cold start").
 * undici has no exports map, so the paths can be imported; `undici-parts.test.ts` checks that they are the
 * very objects undici's index exports, so an undici release that moves them fails that test, not users.
 */
import type * as Undici from "undici";
import connect from "undici/lib/core/connect.js";
import undiciErrors from "undici/lib/core/errors.js";
import agent from "undici/lib/dispatcher/agent.js";

export const Agent: typeof Undici.Agent = agent;
export const buildConnector: typeof Undici.buildConnector = connect;
export const errors: typeof Undici.errors = undiciErrors;
