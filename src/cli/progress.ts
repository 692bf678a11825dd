/** A one-line progress bar on stderr, only when stderr is a terminal and the run is long enough to need one. */
export function progressBar(total: number, threshold = 40): { update: (done: number, total: number) => void; done: () => void } | undefined {
  if (!process.stderr.isTTY || total < threshold) return undefined;
  const width = 30;
  let last = -1;
  return {
    update(done: number, all: number) {
      const filled = Math.round((done / all) * width);
      if (filled === last && done !== all) return;
      last = filled;
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${all}`);
    },
    done() {
      if (last >= 0) process.stderr.write('\r\u001b[K');
    },
  };
}
