import { describe, expect, it } from 'vitest';
import { parseShardCount, parseShardOption, resolveShard, shardFromEnvironment } from './scheduler-env';

const shardOf = (env: Record<string, string>, shards?: number) => shardFromEnvironment(env, shards).shard;
const slurm = (id: number, min: number, max: number, count: number, step = 1) => ({
  SLURM_ARRAY_JOB_ID: '4711',
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
  SLURM_ARRAY_TASK_COUNT: String(count),
  SLURM_ARRAY_TASK_STEP: String(step),
});

describe('--shard', () => {
  it('reads K/N and auto', () => {
    expect(parseShardOption('2/8')).toEqual({ kind: 'fixed', shard: { index: 2, count: 8 } });
    expect(parseShardOption('auto')).toEqual({ kind: 'auto' });
  });

  it('refuses what is no shard, naming the option', () => {
    expect(() => parseShardOption('8/8')).toThrow(/--shard 8\/8: the shard index must be .* from 0 to 7/);
    expect(() => parseShardOption('1-4')).toThrow(/--shard must look like K\/N/);
    expect(() => parseShardOption('0/0')).toThrow(/count must be a whole number ≥ 1/);
    expect(() => parseShardCount('0')).toThrow(/--shards must be a whole number from 1/);
    expect(() => parseShardCount('3.5')).toThrow(/--shards/);
  });

  it('takes --shards only when it agrees with the shard named', () => {
    expect(resolveShard({ kind: 'fixed', shard: { index: 1, count: 4 } }, 4, {}).shard).toEqual({
      index: 1,
      count: 4,
    });
    expect(() => resolveShard({ kind: 'fixed', shard: { index: 1, count: 4 } }, 5, {})).toThrow(
      /--shards 5 disagrees with --shard 1\/4/,
    );
  });
});

describe('--shard auto in a Kubernetes Indexed Job', () => {
  it('takes the index from JOB_COMPLETION_INDEX and the count from --shards or JOB_COMPLETIONS', () => {
    expect(shardOf({ JOB_COMPLETION_INDEX: '3' }, 4)).toEqual({ index: 3, count: 4 });
    expect(shardOf({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '4' })).toEqual({ index: 0, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '4' }, 4).source).toMatch(
      /Kubernetes Indexed Job \(JOB_COMPLETION_INDEX=2\)/,
    );
  });

  it('asks for the count when the Job gives only the index', () => {
    expect(() => shardOf({ JOB_COMPLETION_INDEX: '1' })).toThrow(/pass --shards N, or set JOB_COMPLETIONS/);
  });

  it('refuses a count that disagrees, and an index beyond it', () => {
    expect(() => shardOf({ JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '4' }, 5)).toThrow(
      /--shards 5 disagrees with JOB_COMPLETIONS=4/,
    );
    expect(() => shardOf({ JOB_COMPLETION_INDEX: '4', JOB_COMPLETIONS: '4' })).toThrow(
      /JOB_COMPLETION_INDEX=4 with 4 shard\(s\): the shard index must be .* from 0 to 3/,
    );
    expect(() => shardOf({ JOB_COMPLETION_INDEX: 'two' }, 4)).toThrow(
      /JOB_COMPLETION_INDEX must be a whole number/,
    );
  });
});

describe('--shard auto in a Slurm array', () => {
  it('counts shards from the first task id, for arrays from 0 and from 1', () => {
    expect(shardOf(slurm(0, 0, 3, 4))).toEqual({ index: 0, count: 4 });
    expect(shardOf(slurm(1, 1, 4, 4))).toEqual({ index: 0, count: 4 });
    expect(shardOf(slurm(4, 1, 4, 4))).toEqual({ index: 3, count: 4 });
  });

  it('follows a stepped array (--array=1-7:2 runs tasks 1, 3, 5 and 7)', () => {
    expect([1, 3, 5, 7].map((id) => shardOf(slurm(id, 1, 7, 4, 2)).index)).toEqual([0, 1, 2, 3]);
  });

  it('refuses an array of scattered ids (--array=1,5,9), which would leave shards unlabeled', () => {
    expect(() => shardOf(slurm(5, 1, 9, 3))).toThrow(/not one range.*SLURM_ARRAY_TASK_MAX=9.*--array=0-2/);
  });

  it('refuses an id off the step, and a --shards that disagrees with the array', () => {
    expect(() => shardOf(slurm(2, 1, 7, 4, 2))).toThrow(/not SLURM_ARRAY_TASK_MIN=1 plus a multiple/);
    expect(() => shardOf(slurm(1, 0, 3, 4), 8)).toThrow(/--shards 8 disagrees with SLURM_ARRAY_TASK_COUNT=4/);
  });

  it('takes --shards from an older Slurm that sets no count', () => {
    expect(shardOf({ SLURM_ARRAY_TASK_ID: '2' }, 3)).toEqual({ index: 2, count: 3 });
    expect(() => shardOf({ SLURM_ARRAY_TASK_ID: '2' })).toThrow(
      /SLURM_ARRAY_TASK_COUNT is not: pass --shards N/,
    );
  });
});

describe('--shard auto elsewhere', () => {
  it('takes GROUNDLABEL_SHARD=K/N, over what a scheduler says', () => {
    expect(shardOf({ GROUNDLABEL_SHARD: '1/3' })).toEqual({ index: 1, count: 3 });
    expect(shardOf({ GROUNDLABEL_SHARD: '1/3', ...slurm(0, 0, 3, 4) })).toEqual({ index: 1, count: 3 });
    expect(() => shardOf({ GROUNDLABEL_SHARD: '3/3' })).toThrow(/GROUNDLABEL_SHARD 3\/3: the shard index/);
  });

  it('says what to set when no scheduler is there', () => {
    expect(() => shardOf({})).toThrow(
      /found no scheduler: none of JOB_COMPLETION_INDEX .* SLURM_ARRAY_TASK_ID .* GROUNDLABEL_SHARD/,
    );
  });

  it('refuses to guess when both Kubernetes and Slurm variables are set', () => {
    expect(() => shardOf({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '2', ...slurm(0, 0, 1, 2) })).toThrow(
      /both JOB_COMPLETION_INDEX .* and SLURM_ARRAY_TASK_ID/,
    );
  });
});
