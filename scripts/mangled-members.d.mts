/** See mangled-members.mjs. */
export declare const MANGLED_MEMBERS: RegExp;
/** See mangled-members.mjs. */
export declare function unrenamedMembers(js: string): string[];
