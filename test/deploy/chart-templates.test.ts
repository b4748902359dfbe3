// The chart's templates read without helm: every flag in an args list is one the subcommand
// accepts, the flags it requires are given, and every CONCOURSE_* variable names a flag.
// chart.test.ts checks the rendered chart where helm is installed; this runs everywhere.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartCopy, chartDir, findHelm, renderChart, type Manifest } from './support/helm.ts';
import { concourseVariables, readArgsLists, templateFiles } from './support/template-args.ts';
import { envNames, inertProgram, longFlags, subcommand } from './support/jetbridge-argv.ts';

const program = inertProgram();
const files = templateFiles(chartDir);
const lists = files.flatMap((f) => readArgsLists(f, chartDir));

describe('the chart templates', () => {
  it('start a jetbridge subcommand in every service and the migrations', () => {
    assert.deepEqual(lists.map((l) => l.subcommand).sort(), [
      'artifacts',
      'migrate',
      'pod-executor',
      'reaper',
      'web',
    ]);
  });

  it('name only flags the subcommand accepts', () => {
    const unknown = lists.flatMap((l) => {
      const cmd = subcommand(program, l.subcommand);
      if (!cmd) return [`${l.file}: ${l.subcommand} is not a jetbridge subcommand`];
      const known = longFlags(cmd);
      return l.flags
        .filter((f) => !known.has(f))
        .map((f) => `${l.file}: jetbridge ${l.subcommand} ${f}`);
    });
    assert.deepEqual(unknown, []);
  });

  it('give every flag a subcommand requires, as a flag or through its variable', () => {
    const variables = new Set(files.flatMap(concourseVariables));
    const missing = lists.flatMap((l) => {
      const cmd = subcommand(program, l.subcommand)!;
      return cmd.options
        .filter((o) => o.mandatory && o.defaultValue === undefined)
        .filter((o) => !l.flags.includes(o.long!) && !variables.has(o.envVar!))
        .map((o) => `${l.file}: jetbridge ${l.subcommand} needs ${o.long}`);
    });
    assert.deepEqual(missing, []);
  });

  it('set only CONCOURSE_* variables that name a flag of some subcommand', () => {
    const known = new Set(program.commands.flatMap((c) => [...envNames(c)]));
    const unknown = files.flatMap(concourseVariables).filter((v) => !known.has(v));
    assert.deepEqual(unknown, []);
  });
});

interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
}

interface ArtifactsPod {
  args: string[];
  mounts: Array<{ name: string; mountPath: string }>;
  volumes: Volume[];
}

function artifactsPod(docs: Manifest[]): ArtifactsPod {
  const deployment = docs.find(
    (d) => d.kind === 'Deployment' && d.metadata.name === 'ci-release-jetbridge-artifacts',
  ) as unknown as {
    spec: {
      template: {
        spec: {
          containers: Array<{ args: string[]; volumeMounts: ArtifactsPod['mounts'] }>;
          volumes: Volume[];
        };
      };
    };
  };
  assert.ok(deployment, 'the artifacts Deployment is rendered');
  const pod = deployment.spec.template.spec;
  return {
    args: pod.containers[0]!.args,
    mounts: pod.containers[0]!.volumeMounts,
    volumes: pod.volumes,
  };
}

const helm = findHelm();

describe(
  'the artifacts service and the cache claim',
  { skip: helm ? false : 'helm is not installed' },
  () => {
    const copy = helm ? chartCopy() : null;
    after(() => copy?.close());

    for (const [file, claim] of [
      ['default-values.yaml', 'ci-release-jetbridge-cache'],
      ['claims-values.yaml', 'shared-cache'],
    ] as const) {
      it(`mounts the cache claim and collects cache directories on it (${file})`, () => {
        const pod = artifactsPod(renderChart(helm!, copy!.dir, file));
        const volume = pod.volumes.find((v) => v.persistentVolumeClaim?.claimName === claim);
        assert.ok(volume, `no volume of the claim ${claim}`);
        const mount = pod.mounts.find((m) => m.name === volume.name);
        assert.ok(mount, 'the cache claim is mounted into the artifacts container');
        assert.ok(pod.args.includes(`--cache-claim-dir=${mount.mountPath}`), pod.args.join(' '));
      });
    }

    it('mounts no cache claim and collects no cache directories when caches are emptyDir', () => {
      const pod = artifactsPod(
        renderChart(helm!, copy!.dir, 'default-values.yaml', [
          '--set',
          'global.persistence.cache.enabled=false',
        ]),
      );
      assert.equal(pod.volumes.filter((v) => v.name === 'cache').length, 0);
      assert.equal(pod.mounts.filter((m) => m.name === 'cache').length, 0);
      assert.equal(pod.args.filter((a) => a.startsWith('--cache-claim-dir')).length, 0);
    });
  },
);
