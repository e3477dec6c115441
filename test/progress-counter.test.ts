import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressCounter } from '../src/commands/progress.js';

describe('progressCounter', () => {
  const wasTTY = process.stderr.isTTY;
  afterEach(() => {
    process.stderr.isTTY = wasTTY;
    vi.restoreAllMocks();
  });

  function written(): string[] {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    return write.mock.calls as unknown as string[];
  }

  it('counts on one line of a terminal and wipes it when done', () => {
    process.stderr.isTTY = true;
    const calls = written();
    const progress = progressCounter('backtest');
    progress.onProgress?.(1, 3);
    progress.onProgress?.(2, 3);
    progress.clear();
    expect(calls.map((c) => c[0])).toEqual(['\rbacktest 1/3', '\rbacktest 2/3', '\r\x1b[K']);
  });

  it('leaves a terminal alone when nothing was counted', () => {
    process.stderr.isTTY = true;
    const calls = written();
    progressCounter('backtest').clear();
    expect(calls).toHaveLength(0);
  });

  it('writes nothing when stderr is not a terminal (CI logs, pipes)', () => {
    process.stderr.isTTY = false;
    const calls = written();
    const progress = progressCounter('forecasting window');
    expect(progress.onProgress).toBeUndefined();
    progress.clear();
    expect(calls).toHaveLength(0);
  });
});
