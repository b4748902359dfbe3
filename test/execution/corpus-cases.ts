// What each runnable corpus pipeline must do, from the fixture INDEX's notes: the jobs to run in
// order, the fly exit code (0 succeeded, 1 failed, 2 errored, 3 aborted) and the output to see.
// `<hash>` in vars, fly arguments and expected output is a fresh value per run; `<pipeline>` is the
// pipeline's name.

export interface CorpusRun {
  job: string;
  exit: number;
  output?: RegExp[];
  notOutput?: RegExp[];
  /** The job is triggered by a resource: watch its first build instead of triggering it. */
  watchTriggered?: boolean;
}

export interface CorpusCase {
  title: string;
  file: string;
  vars?: string[];
  varFiles?: string[];
  /** fly commands to run after unpausing, before the jobs. */
  before?: string[][];
  runs: CorpusRun[];
  /** Why the case cannot pass yet; it is reported as skipped. */
  knownGap?: string;
}

const ok = (job: string, ...output: RegExp[]): CorpusRun => ({ job, exit: 0, output });

export const corpusCases: CorpusCase[] = [
  {
    title: 'testflight simple prints Hello, world!',
    file: 'testflight--simple.yml',
    runs: [ok('simple', /Hello, world!/, /succeeded/)],
  },
  {
    title: 'testflight fail fails the build (exit 1)',
    file: 'testflight--fail.yml',
    runs: [{ job: 'failing-job', exit: 1, output: [/failed/] }],
  },
  {
    title: 'testflight do runs three tasks in order',
    file: 'testflight--do.yml',
    runs: [ok('do-job', /running do step 1[\s\S]*running do step 2[\s\S]*running do step 3/)],
  },
  {
    title: 'testflight try tolerates an errored task and runs the next one',
    file: 'testflight--try.yml',
    runs: [ok('try-job', /passing-task succeeded/)],
  },
  {
    title: 'testflight task-outputs remaps output paths for the next task',
    file: 'testflight--task-outputs.yml',
    runs: [ok('some-job', /\.\/output-1\/file-1/, /\.\/output-2\/file-2/)],
  },
  {
    title: 'testflight optional-inputs leaves a missing optional input out and maps a given one',
    file: 'testflight--optional-inputs.yml',
    runs: [ok('job-using-optional-inputs', /SUCCESS/)],
  },
  {
    title: 'testflight config-params: step params override the task file params',
    file: 'testflight--config-params.yml',
    runs: [
      ok('file-test', /SOURCE_PARAM is file_source/),
      ok('file-params-test', /SOURCE_PARAM is job_params_source/),
    ],
  },
  {
    title: 'testflight custom-resource-type gets a resource of a type built from mock',
    file: 'testflight--custom-resource-type.yml',
    runs: [ok('input-test')],
  },
  {
    title:
      'testflight image-resource-with-params runs gets and image resources with and without params',
    file: 'testflight--image-resource-with-params.yml',
    vars: ['initial_version=<hash>'],
    runs: [
      ok('without-params'),
      ok('with-params'),
      ok('image-resource-with-params'),
      ok('image-resource-without-params'),
    ],
  },
  {
    title: 'testflight inputs-outputs: a downstream job reads the pushed version through passed',
    file: 'testflight--inputs-outputs.yml',
    runs: [ok('pushing-job'), ok('downstream-job', /first-version/)],
  },
  {
    title: 'testflight matrix fails on the failing parallel task and runs its on_failure hook',
    file: 'testflight--matrix.yml',
    vars: ['initial_version=<hash>'],
    runs: [
      {
        job: 'fancy-build-matrix',
        exit: 1,
        output: [/passing-unit-1\/file passing-unit-2\/file <hash>/, /failed in_parallel <hash>/],
      },
    ],
  },
  {
    title: 'testflight pinned-version gets the version the step pins',
    file: 'testflight--pinned-version.yml',
    vars: ['hash=<hash>', 'pinned_version=v2-<hash>'],
    before: [
      ['check-resource', '-r', '<pipeline>/some-resource', '--from', 'version:v1-<hash>'],
      ['check-resource', '-r', '<pipeline>/some-resource', '--from', 'version:v2-<hash>'],
      ['check-resource', '-r', '<pipeline>/some-resource', '--from', 'version:v3-<hash>'],
    ],
    runs: [ok('some-passing-job', /v2-<hash>/)],
  },
  {
    title: 'testflight propagation carries versions through passed across three jobs',
    file: 'testflight--propagation.yml',
    runs: [ok('first-job'), ok('pushing-job'), ok('downstream-job')],
  },
  {
    title: 'testflight rename-resource gets a resource through an alias',
    file: 'testflight--rename-resource.yml',
    before: [['check-resource', '-r', '<pipeline>/some-new-resource', '--from', 'version:<hash>']],
    runs: [ok('some-passing-job', /fetched version: <hash>/)],
  },
  {
    title: 'testflight resource-types: custom types for get, put and task images',
    file: 'testflight--resource-types.yml',
    vars: ['hash=<hash>'],
    runs: [
      ok('resource-getter', /fetched version: <hash>/),
      ok('resource-putter', /some-pushed-version/),
      ok('resource-image-resourcer', /MIRRORED_VERSION=image-version/),
      ok('resource-imager'),
    ],
  },
  {
    title: 'testflight resource-version-every gets a checked version',
    file: 'testflight--resource-version-every.yml',
    vars: ['hash=<hash>'],
    before: [['check-resource', '-r', '<pipeline>/some-resource', '--from', 'version:a-<hash>']],
    runs: [ok('some-passing-job', /a-<hash>/)],
  },
  {
    title: 'testflight serial-groups runs jobs of a serial group and a check_every: never resource',
    file: 'testflight--serial-groups.yml',
    vars: ['hash=<hash>'],
    before: [['check-resource', '-r', '<pipeline>/check-never']],
    runs: [ok('some-passing-job'), ok('serial-true-job')],
  },
  {
    title: 'testflight task-caches keeps a standalone cache for the second build',
    file: 'testflight--task-caches.yml',
    runs: [
      ok('simple', /not-cached-from-first-task/),
      {
        job: 'simple',
        exit: 0,
        output: [/second-task-cache-contents\s+second-task-cache-contents/],
        notOutput: [/not-cached-from-second-task\s+not-cached-from-second-task/],
      },
    ],
  },
  {
    title: 'testflight task-caches: a cache under an input path hides what the input has there',
    file: 'testflight--task-caches.yml',
    runs: [
      {
        job: 'simple',
        exit: 0,
        output: [/blob-contents-from-second-task\s+blob-contents-from-second-task/],
        notOutput: [/blob-contents-from-first-task/],
      },
    ],
  },
  {
    title: 'testflight timeout: a quick task passes, a slow one fails with timeout exceeded',
    file: 'testflight--timeout.yml',
    runs: [
      ok('duration-successful-job', /passing-task succeeded/),
      { job: 'duration-fail-job', exit: 1, output: [/timeout exceeded/] },
    ],
  },
  {
    title: 'docs across-do runs the do block once per value',
    file: 'docs--across-do.yml',
    runs: [ok('job', /Hello Kaladin!/, /Bye Kaladin!/, /Hello Jasnah!/, /Bye Jasnah!/)],
  },
  {
    title: 'docs in_parallel with limit and fail_fast gets three resources',
    file: 'docs--in-parallel-limit-fail-fast.yml',
    runs: [ok('get-in-parallel')],
  },
  {
    title: 'docs put-inputs puts with detected, all and listed inputs',
    file: 'docs--put-inputs.yml',
    runs: [ok('put-input-methods')],
  },
  {
    title: 'docs parallel-artifacts: both jobs fail because one output overwrites the other',
    file: 'docs--parallel-artifacts.yml',
    runs: [
      { job: 'writing-to-the-same-output-in-parallel', exit: 1, output: [/Get ready to error!/] },
      { job: 'writing-to-the-same-output-serially', exit: 1, output: [/file1 will never exist/] },
    ],
  },
  {
    title: 'examples hello-world prints Hello world!',
    file: 'examples--hello-world.yml',
    runs: [ok('job', /Hello world!/)],
  },
  {
    title: 'examples job-and-task-hooks fails and runs the success and failure hooks only',
    file: 'examples--job-and-task-hooks.yml',
    runs: [
      {
        job: 'job',
        exit: 1,
        output: [/This task succeeded!/, /This task failed!/, /This job failed!/],
        notOutput: [/was aborted!/, /This job succeeded!/],
      },
    ],
  },
  {
    title: 'examples serial-job runs one build at a time',
    file: 'examples--serial-job.yml',
    runs: [ok('serial-job', /Hello, world!/), ok('serial-job', /Hello, world!/)],
  },
  {
    title: 'examples task-passing-artifact passes a file from one task to the next',
    file: 'examples--task-passing-artifact.yml',
    runs: [ok('create-and-consume', /Created a file on/)],
  },
  {
    title: 'examples pipeline-vars fills job names and args from a vars file',
    file: 'examples--pipeline-vars.yml',
    varFiles: ['vars/examples--vars-file.yml'],
    runs: [ok('initial-job', /Hello, HAL!/), ok('level-9000-job', /Hello, HAL!/)],
  },
  {
    title: 'examples time-triggered: the time resource triggers the job',
    file: 'examples--time-triggered.yml',
    runs: [{ ...ok('job', /Hello, world!/), watchTriggered: true }],
  },
  {
    title:
      'examples manually-triggered: triggered jobs run on their own, the passed-only one on demand',
    file: 'examples--manually-triggered.yml',
    runs: [
      { ...ok('triggered-first', /Hello, world!/), watchTriggered: true },
      { ...ok('triggered-second', /Hello, world!/), watchTriggered: true },
      ok('not-triggered', /Hello, world!/),
    ],
  },
  {
    title: 'integration smoke-pipeline gets, runs a task and puts a mock resource',
    file: 'integration--smoke-pipeline.yml',
    runs: [ok('say-hello', /Hello, world!/)],
  },
  {
    title: 'topgun build-artifact-transfer moves an artifact between tagged steps',
    file: 'topgun--build-artifact-transfer.yml',
    runs: [ok('transfer-time', /\.\/something/)],
  },
];
