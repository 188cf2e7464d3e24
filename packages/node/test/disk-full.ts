import { nodeFs, type SpoolFs } from "../src/spool/spool-fs.js";

/**
 * A real file system whose disk fills up: once `left` bytes are used, a write is cut short
 * (what fits is written) and the next one fails with ENOSPC, as write(2) does on a full disk.
 * Set `left` back to Infinity and the space is there again.
 */
export function diskFull(state: { left: number; truncateFails?: boolean }): SpoolFs {
  const enospc = (call: string) =>
    Object.assign(new Error(`ENOSPC: no space left on device, ${call}`), { code: "ENOSPC" });
  return {
    ...nodeFs,
    writeSync(fd, buffer, offset, length) {
      if (state.left >= length) {
        state.left -= length;
        return nodeFs.writeSync(fd, buffer, offset, length);
      }
      if (state.left <= 0) throw enospc("write");
      const part = state.left;
      state.left = 0;
      return nodeFs.writeSync(fd, buffer, offset, part); // a short write
    },
    ftruncateSync(fd, length) {
      if (state.truncateFails) throw Object.assign(new Error("EIO: i/o error, ftruncate"), { code: "EIO" });
      nodeFs.ftruncateSync(fd, length);
    },
  };
}
