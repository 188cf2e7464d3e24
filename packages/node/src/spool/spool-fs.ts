import { closeSync, fdatasyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";

/** The file calls the spool makes on its hot path; tests inject a disk that fills up. */
export interface SpoolFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, length: number): void;
  fdatasyncSync(fd: number): void;
  closeSync(fd: number): void;
}

export const nodeFs: SpoolFs = { openSync, writeSync, readSync, ftruncateSync, fdatasyncSync, closeSync };
