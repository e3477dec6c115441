import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { runPush } from '../src/targets/push.js';
import type { PushTarget } from '../src/targets/target.js';
import type { StopSignal } from '../src/util/interrupt.js';

// The orchestrator every push target runs through (src/targets/push.ts), with a target that
// records what was asked of it. The real targets are tested end to end in push-aws and push-k8s.

interface Outcome {
  applied: string[];
  failed: string[];
  notAttempted: string[];
  interrupted?: StopSignal;
}

function fakeTarget(changes: string[], outcome: Partial<Outcome> = {}, compared = true) {
  const calls: string[] = [];
  const target: PushTarget<string[], Outcome> = {
    plan: async () => {
      calls.push('plan');
      return changes;
    },
    pending: (plan) => plan.length > 0,
    compared: () => compared,
    apply: async (plan, control) => {
      calls.push(`apply ${plan.join(',')} ${control.signal.aborted ? 'stopped' : 'running'}`);
      return { applied: plan, failed: [], notAttempted: [], ...outcome };
    },
    close: () => calls.push('close'),
    describe: (plan, result) => ({
      json: { plan, result },
      text: result ? `applied ${result.applied.length}` : `dry run: ${plan.length}`,
      markdown: `### fake\n${plan.length} change(s)\n`,
      warnings: [],
      notes: ['a note'],
    }),
  };
  return { target, calls };
}

describe('runPush', () => {
  it('plans and describes without applying on a dry run', async () => {
    const { target, calls } = fakeTarget(['a', 'b']);
    const result = await runPush(target, { apply: false });
    expect(calls).toEqual(['plan', 'close']);
    expect(result).toEqual({
      json: { plan: ['a', 'b'], result: undefined },
      text: 'dry run: 2',
      warnings: [],
      notes: ['a note'],
    });
  });

  it('applies with --apply, then closes, and succeeds when everything was applied', async () => {
    const { target, calls } = fakeTarget(['a', 'b']);
    const result = await runPush(target, { apply: true });
    expect(calls).toEqual(['plan', 'apply a,b running', 'close']);
    expect(result.text).toBe('applied 2');
    expect(result.exitCode).toBeUndefined();
  });

  it('does not apply when nothing is pending', async () => {
    const { target, calls } = fakeTarget([]);
    expect((await runPush(target, { apply: true })).exitCode).toBeUndefined();
    expect(calls).toEqual(['plan', 'close']);
  });

  it('exits with EXIT.remote after failed or unattempted changes', async () => {
    for (const outcome of [{ failed: ['a'] }, { notAttempted: ['b'] }]) {
      const { target } = fakeTarget(['a', 'b'], outcome);
      expect((await runPush(target, { apply: true })).exitCode).toBe(EXIT.remote);
    }
  });

  it("exits with the signal's code after an interrupt, even when nothing was left", async () => {
    const sigint = fakeTarget(['a'], { interrupted: 'SIGINT' }).target;
    expect((await runPush(sigint, { apply: true })).exitCode).toBe(EXIT.interrupted);
    const sigterm = fakeTarget(['a'], { interrupted: 'SIGTERM', notAttempted: ['b'] }).target;
    expect((await runPush(sigterm, { apply: true })).exitCode).toBe(EXIT.terminated);
  });

  it('--exit-code: EXIT.pending while the target does not hold the plan, else 0', async () => {
    const cases: [string, string[], boolean, boolean, Partial<Outcome>, number | undefined][] = [
      ['dry run, changes', ['a'], false, true, {}, EXIT.pending],
      ['dry run, nothing to change', [], false, true, {}, undefined],
      ['dry run, not compared with the target', [], false, false, {}, EXIT.pending],
      ['--apply, all applied', ['a'], true, true, {}, undefined],
      ['--apply, nothing to change', [], true, true, {}, undefined],
      ['--apply, a change failed', ['a'], true, true, { failed: ['a'] }, EXIT.remote],
      ['--apply, interrupted', ['a'], true, true, { interrupted: 'SIGINT' }, EXIT.interrupted],
    ];
    for (const [name, changes, apply, compared, outcome, code] of cases) {
      const { target } = fakeTarget(changes, outcome, compared);
      expect((await runPush(target, { apply, exitCode: true })).exitCode, name).toBe(code);
      // Without --exit-code, pending changes are no error.
      const plain = fakeTarget(changes, outcome, compared).target;
      if (code === EXIT.pending) expect((await runPush(plain, { apply })).exitCode).toBeUndefined();
    }
  });

  it("appends the report's Markdown to the step summary", async () => {
    const summary = join(await mkdtemp(join(tmpdir(), 'headroom-push-')), 'summary.md');
    await runPush(fakeTarget(['a']).target, { apply: false, stepSummary: summary });
    await runPush(fakeTarget(['a', 'b']).target, { apply: true, stepSummary: summary });
    expect(await readFile(summary, 'utf8')).toBe('### fake\n1 change(s)\n### fake\n2 change(s)\n');
  });

  it('propagates a refusal from planning without closing or applying', async () => {
    const { target, calls } = fakeTarget(['a']);
    target.plan = () => Promise.reject(new Error('refusing to push'));
    await expect(runPush(target, { apply: true })).rejects.toThrow('refusing to push');
    expect(calls).toEqual([]);
  });
});
