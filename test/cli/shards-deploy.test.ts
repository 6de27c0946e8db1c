import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseLabelArgs, type LabelArgs } from '../../src/cli/label-args';
import { bundledVocabPath } from '../../src/main/paths';
import { shardFromEnvironment } from '../../src/main/shards/scheduler-env';

/**
 * The files in deploy/ cannot be built or submitted here (no Docker, no cluster), so what can be
 * checked is checked: each runs a command line `label` accepts, sharded the way its scheduler
 * numbers its tasks, and no image holds a model.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFile(path.join(root, 'deploy', file), 'utf8');

const labelArgs = (argv: readonly string[]): LabelArgs => {
  const args = parseLabelArgs(argv);
  if (args === 'help') throw new Error('expected a labeling run, got --help');
  return args;
};

interface IndexedJob {
  kind: string;
  spec: {
    completionMode: string;
    completions: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: {
          args: string[];
          resources: { limits: Record<string, number> };
          volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
        }[];
      };
    };
  };
}

describe('deploy/', () => {
  it('runs one labeling shard per pod of the Kubernetes Indexed Job, as many shards as completions', async () => {
    const job = parseYaml(await read('kubernetes/label-job.yaml')) as IndexedJob;
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [container] = job.spec.template.spec.containers;
    expect(container.args[0]).toBe('src/cli/label.ts');
    const args = labelArgs(container.args.slice(1));
    expect(args.shard).toEqual({ request: { kind: 'auto' }, count: job.spec.completions });
    const { completions } = job.spec;
    const indices = Array.from(
      { length: completions },
      (_, k) => shardFromEnvironment({ JOB_COMPLETION_INDEX: String(k) }, args.shard?.count).shard.index,
    );
    expect(indices).toEqual(Array.from({ length: completions }, (_, k) => k));
    // The model comes from a read-only volume, never from the image.
    const models = container.volumeMounts.find((m) => args.model.startsWith(`${m.mountPath}/`));
    expect(models?.readOnly).toBe(true);
    expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
  });

  it('runs one labeling shard per task of the Slurm array, one shard per task id', async () => {
    const script = await read('slurm/label-array.sbatch');
    const [, first, last] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(script) ?? [];
    const count = Number(last) - Number(first) + 1;
    expect(count).toBeGreaterThan(1);
    // The command line, with the script's defaults put in for its variables.
    const defaults = new Map([...script.matchAll(/^(\w+)=\$\{\1:-(.*)\}$/gm)].map((m) => [m[1], m[2]]));
    const command = /^exec node --import tsx (src\/cli\/label\.ts) (.*)$/m.exec(script);
    expect(command?.[1]).toBe('src/cli/label.ts');
    const argv = [...command![2].matchAll(/"\$(\w+)"|(\S+)/g)].map((m) =>
      m[1] ? defaults.get(m[1])! : m[2],
    );
    const args = labelArgs(argv);
    expect(args.shard).toEqual({ request: { kind: 'auto' } });
    expect(args.prompt).toBe('person . car .');
    const ids = Array.from({ length: count }, (_, i) => Number(first) + i);
    const shards = ids.map(
      (id) =>
        shardFromEnvironment({
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: first,
          SLURM_ARRAY_TASK_MAX: last,
          SLURM_ARRAY_TASK_COUNT: String(count),
        }).shard,
    );
    expect(shards).toEqual(ids.map((_, k) => ({ index: k, count })));
  });

  it.each(['cpu.Dockerfile', 'gpu.Dockerfile'])(
    'builds %s from pinned images, with the tokenizer vocabulary and no model',
    async (file) => {
      const text = await read(file);
      for (const [, image] of text.matchAll(/^FROM (\S+)/gm)) expect(image).toMatch(/:\d[\w.-]*$/);
      const copies = [...text.matchAll(/^COPY (?!--from)(.*) (\S+)$/gm)].flatMap((m) => m[1].split(' '));
      const vocabFolder = path
        .relative(root, path.dirname(bundledVocabPath(root)))
        .split(path.sep)
        .join('/');
      expect(copies).toContain(vocabFolder);
      // Nothing else of resources/, and never the whole checkout, where models may lie.
      expect(copies.filter((c) => c.startsWith('resources'))).toEqual([vocabFolder]);
      expect(copies).not.toContain('.');
      expect(text).toMatch(/^ENTRYPOINT \["node", "--import", "tsx"\]$/m);
    },
  );

  it('puts the GPU image on the CUDA 12 and cuDNN 9 runtime with the CUDA provider installed', async () => {
    const text = await read('gpu.Dockerfile');
    expect(text).toMatch(/^FROM nvidia\/cuda:12\.[\d.]+-cudnn-runtime-ubuntu[\d.]+$/m);
    // npm run install:cuda's own command, into a folder the final stage copies and points GroundLabel to.
    expect(text).toMatch(/^RUN node --import tsx src\/cli\/install-cuda\.ts$/m);
    const providers = [...text.matchAll(/^ENV GROUNDLABEL_PROVIDERS_DIR=(\S+)$/gm)].map((m) => m[1]);
    expect(providers).toHaveLength(2);
    expect(new Set(providers).size).toBe(1);
    expect(text).toContain(`COPY --from=app ${providers[0]} ${providers[0]}`);
  });
});
