/** What a long-running command reports progress through, and how it wipes the line when done. */
export interface ProgressCounter {
  onProgress?: (done: number, total: number) => void;
  clear: () => void;
}

/** A one-line "label 7/20" counter on a terminal; nothing when stderr is not one. */
export function progressCounter(label: string): ProgressCounter {
  if (!process.stderr.isTTY) return { clear: () => {} };
  let shown = false;
  return {
    onProgress: (done, total) => {
      shown = true;
      process.stderr.write(`\r${label} ${done}/${total}`);
    },
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
