// The plan as GET /api/v1/builds/:id/plan shows it: structure and names, no sources,
// params or vars (Concourse's Plan.Public).
import type { HookPlan, ImagePlan, Plan } from './types.ts';

type Json = Record<string, unknown>;

function pick<T extends object>(value: T, keys: Array<keyof T>): Json {
  const out: Json = {};
  for (const key of keys) {
    const v = value[key];
    if (v !== undefined && v !== null) out[key as string] = v;
  }
  return out;
}

/** A step's image steps as Concourse shows them: `image_get_plan`, then `image_check_plan`. */
function publicImage(image: ImagePlan | undefined): Json {
  const out: Json = {};
  if (image?.get_plan) out.image_get_plan = publicPlan(image.get_plan);
  if (image?.check_plan) out.image_check_plan = publicPlan(image.check_plan);
  return out;
}

/** A get, put or check: `name` and `type` always, in the key order Concourse writes them. */
function publicResourceStep(
  step: { name?: string; type: string; resource?: string; version?: unknown; image?: ImagePlan },
  keys: Array<'resource' | 'version'>,
): Json {
  return {
    name: step.name ?? '',
    type: step.type,
    ...pick(step, keys),
    ...publicImage(step.image),
  };
}

function publicHook(key: keyof Omit<HookPlan, 'step'>, hook: HookPlan): Json {
  return { step: publicPlan(hook.step), [key]: publicPlan(hook[key]!) };
}

/** One plan node and everything under it, public (what image-check/image-get events carry). */
export function publicPlan(plan: Plan): Json {
  const out: Json = { id: plan.id };
  if (plan.attempts) out.attempts = plan.attempts;
  if (plan.get) out.get = publicResourceStep(plan.get, ['resource', 'version']);
  if (plan.put) out.put = publicResourceStep(plan.put, ['resource']);
  if (plan.check) out.check = publicResourceStep(plan.check, []);
  if (plan.task) {
    out.task = {
      name: plan.task.name,
      privileged: plan.task.privileged,
      hermetic: plan.task.hermetic ?? false,
    };
  }
  if (plan.run)
    out.run = { ...pick(plan.run, ['message', 'type']), privileged: !!plan.run.privileged };
  if (plan.set_pipeline) {
    out.set_pipeline = pick(plan.set_pipeline, ['name', 'team', 'instance_vars']);
  }
  if (plan.load_var) out.load_var = pick(plan.load_var, ['name']);
  if (plan.do) out.do = plan.do.map(publicPlan);
  if (plan.in_parallel) {
    out.in_parallel = {
      steps: plan.in_parallel.steps?.map(publicPlan) ?? null,
      ...pick(plan.in_parallel, ['limit', 'fail_fast']),
    };
  }
  if (plan.across) {
    out.across = {
      vars: plan.across.vars.map((v) => pick(v, ['name', 'max_in_flight'])),
      ...pick(plan.across, ['fail_fast']),
    };
  }
  for (const key of ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure'] as const) {
    const hook = plan[key];
    if (hook) out[key] = publicHook(key, hook);
  }
  if (plan.try) out.try = { step: publicPlan(plan.try.step) };
  if (plan.timeout) {
    out.timeout = { step: publicPlan(plan.timeout.step), duration: plan.timeout.duration };
  }
  if (plan.retry) out.retry = plan.retry.map(publicPlan);
  if (plan.artifact_input) out.artifact_input = plan.artifact_input;
  if (plan.artifact_output) out.artifact_output = plan.artifact_output;
  return out;
}

/** The body of GET /api/v1/builds/:id/plan. */
export function toPublicPlan(plan: Plan): { schema: 'exec.v2'; plan: unknown } {
  return { schema: 'exec.v2', plan: publicPlan(plan) };
}
