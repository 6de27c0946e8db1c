import { GroundLabelError } from '../../shared/errors';
import { describeShard, MAX_SHARDS, shardProblem, type ShardSpec } from './assign';

/** What `--shard` asked for: a shard named on the command line, or the scheduler's. */
export type ShardRequest = { readonly kind: 'fixed'; readonly shard: ShardSpec } | { readonly kind: 'auto' };

/** The shard a process runs, and where that came from, for the log. */
export interface ResolvedShard {
  readonly shard: ShardSpec;
  readonly source: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

const bad = (message: string) => new GroundLabelError('bad-argument', message);

/** A whole number ≥ 0 written in decimal, or undefined: "", "1.5", "-1" and " 2x" are not. */
function wholeNumber(raw: string | undefined): number | undefined {
  const text = raw?.trim() ?? '';
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The value of an environment variable that must be a whole number, or undefined when unset. */
function numberVar(env: Environment, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = wholeNumber(raw);
  if (n === undefined) throw bad(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

function checked(shard: ShardSpec, what: string): ShardSpec {
  const problem = shardProblem(shard.index, shard.count);
  if (problem) throw bad(`${what}: ${problem}`);
  return shard;
}

/** "K/N", as `--shard` and GROUNDLABEL_SHARD take it. */
function parsePair(raw: string, what: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  if (!m) throw bad(`${what} must look like K/N (shard K of N, counting from 0, e.g. 0/4), got "${raw}"`);
  return checked({ index: Number(m[1]), count: Number(m[2]) }, `${what} ${raw}`);
}

/** Reads `--shard`: "K/N" or "auto". */
export function parseShardOption(raw: string): ShardRequest {
  if (raw.trim() === 'auto') return { kind: 'auto' };
  return { kind: 'fixed', shard: parsePair(raw, '--shard') };
}

/** Reads `--shards`: the shard count, for a scheduler that gives only the index. */
export function parseShardCount(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = wholeNumber(raw);
  if (n === undefined || n < 1 || n > MAX_SHARDS)
    throw bad(`--shards must be a whole number from 1 to ${MAX_SHARDS}, got "${raw}"`);
  return n;
}

/** The count both a variable and `--shards` give must be one count. */
function oneCount(
  fromEnv: number | undefined,
  envName: string,
  shards: number | undefined,
): number | undefined {
  if (fromEnv !== undefined && shards !== undefined && fromEnv !== shards)
    throw bad(`--shards ${shards} disagrees with ${envName}=${fromEnv}; drop --shards or make them equal`);
  return fromEnv ?? shards;
}

/**
 * Kubernetes Indexed Job: the control plane sets JOB_COMPLETION_INDEX (0 to completions − 1) in each
 * pod. It does not pass the completion count, so N comes from `--shards` or JOB_COMPLETIONS, set in
 * the manifest to the Job's spec.completions.
 */
function fromKubernetes(env: Environment, shards: number | undefined): ResolvedShard {
  const index = numberVar(env, 'JOB_COMPLETION_INDEX')!;
  const count = oneCount(numberVar(env, 'JOB_COMPLETIONS'), 'JOB_COMPLETIONS', shards);
  if (count === undefined)
    throw bad(
      `a Kubernetes Indexed Job gives the pod's index (JOB_COMPLETION_INDEX=${index}) but not the number of pods: pass --shards N, or set JOB_COMPLETIONS, to the Job's spec.completions`,
    );
  const shard = checked({ index, count }, `JOB_COMPLETION_INDEX=${index} with ${count} shard(s)`);
  return { shard, source: `Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${index})` };
}

/**
 * Slurm job array: SLURM_ARRAY_TASK_ID is the task's id, which need not start at 0 (`--array=1-16`)
 * and may step (`--array=0-30:2`). Shard K is the K-th id: (id − min) / step, checked against the
 * array's count and its largest id, so an array of scattered ids (`--array=1,5,9-12`) is refused
 * instead of leaving shards out.
 */
function fromSlurm(env: Environment, shards: number | undefined): ResolvedShard {
  const id = numberVar(env, 'SLURM_ARRAY_TASK_ID')!;
  const min = numberVar(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const max = numberVar(env, 'SLURM_ARRAY_TASK_MAX');
  const step = numberVar(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const count = oneCount(numberVar(env, 'SLURM_ARRAY_TASK_COUNT'), 'SLURM_ARRAY_TASK_COUNT', shards);
  const where = `SLURM_ARRAY_TASK_ID=${id}`;
  if (count === undefined)
    throw bad(
      `${where} is set but SLURM_ARRAY_TASK_COUNT is not: pass --shards N, the number of tasks in the array`,
    );
  const contiguous = `submit the array as --array=0-${count - 1} (or any range a-b, optionally :step), one task per shard`;
  if (step < 1) throw bad(`SLURM_ARRAY_TASK_STEP must be ≥ 1, got ${step}`);
  if (id < min) throw bad(`${where} is below SLURM_ARRAY_TASK_MIN=${min}`);
  if ((id - min) % step !== 0)
    throw bad(
      `${where} is not SLURM_ARRAY_TASK_MIN=${min} plus a multiple of SLURM_ARRAY_TASK_STEP=${step}; ${contiguous}`,
    );
  if (max !== undefined && max !== min + (count - 1) * step)
    throw bad(
      `the array's task ids are not one range: ${count} task(s) from ${min} in steps of ${step} would end at ${min + (count - 1) * step}, but SLURM_ARRAY_TASK_MAX=${max}; ${contiguous}`,
    );
  const shard = checked({ index: (id - min) / step, count }, `${where} (shard ${(id - min) / step})`);
  return { shard, source: `Slurm array (SLURM_ARRAY_TASK_ID=${id})` };
}

/**
 * The shard `--shard auto` runs, from the environment. GROUNDLABEL_SHARD=K/N, set by a person or a
 * wrapper script, wins over what a scheduler sets; otherwise exactly one scheduler must have set its
 * variables (both at once is a setup nobody can read the intent of).
 */
export function shardFromEnvironment(env: Environment, shards?: number): ResolvedShard {
  const own = env.GROUNDLABEL_SHARD;
  if (own !== undefined && own.trim() !== '') {
    const shard = parsePair(own, 'GROUNDLABEL_SHARD');
    if (shards !== undefined && shards !== shard.count)
      throw bad(
        `--shards ${shards} disagrees with GROUNDLABEL_SHARD=${own}; drop --shards or make them equal`,
      );
    return { shard, source: `GROUNDLABEL_SHARD=${own.trim()}` };
  }
  const kubernetes = numberVar(env, 'JOB_COMPLETION_INDEX') !== undefined;
  const slurm = numberVar(env, 'SLURM_ARRAY_TASK_ID') !== undefined;
  if (kubernetes && slurm)
    throw bad(
      'both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set, so the shard is ambiguous: set GROUNDLABEL_SHARD=K/N, or pass --shard K/N',
    );
  if (kubernetes) return fromKubernetes(env, shards);
  if (slurm) return fromSlurm(env, shards);
  throw bad(
    '--shard auto found no scheduler: none of JOB_COMPLETION_INDEX (Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID (Slurm array) or GROUNDLABEL_SHARD=K/N is set; pass --shard K/N to name the shard',
  );
}

/** The shard this process runs: the one `--shard K/N` names, or the environment's for `--shard auto`. */
export function resolveShard(
  request: ShardRequest,
  shards: number | undefined,
  env: Environment,
): ResolvedShard {
  if (request.kind === 'auto') return shardFromEnvironment(env, shards);
  if (shards !== undefined && shards !== request.shard.count)
    throw bad(`--shards ${shards} disagrees with --shard ${describeShard(request.shard)}; drop --shards`);
  return { shard: request.shard, source: `--shard ${describeShard(request.shard)}` };
}
