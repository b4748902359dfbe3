// The one-off build plan fly execute submits: IDs are hex of a counter seeded with the Unix
// time and taken in the order fly's plan factory takes them.

export type PlanNode = { id: string } & Record<string, unknown>;

export class PlanFactory {
  private current: number;
  constructor(start = Math.floor(Date.now() / 1000)) {
    this.current = start;
  }

  node(step: Record<string, unknown>): PlanNode {
    this.current += 1;
    return { id: this.current.toString(16), ...step };
  }
}

export interface TaskPlanOptions {
  privileged: boolean;
  config: unknown;
  inputMapping: Record<string, string>;
  resourceTypes: unknown[] | null;
  tags: string[];
}

/** CreateBuildPlan: task, then in_parallel(inputs), do, and with outputs an ensure around it. */
export function buildPlan(
  fact: PlanFactory,
  inputs: PlanNode[],
  outputs: PlanNode[],
  task: TaskPlanOptions,
): PlanNode {
  const taskStep: Record<string, unknown> = {
    name: 'one-off',
    privileged: task.privileged,
    hermetic: false,
  };
  if (task.tags.length > 0) taskStep.tags = task.tags;
  taskStep.config = task.config;
  if (Object.keys(task.inputMapping).length > 0) taskStep.input_mapping = task.inputMapping;
  if (task.resourceTypes && task.resourceTypes.length > 0)
    taskStep.resource_types = task.resourceTypes;
  const taskPlan = fact.node({ task: taskStep });
  const doPlan = () =>
    fact.node({
      do: [fact.node({ in_parallel: { steps: inputs.length > 0 ? inputs : null } }), taskPlan],
    });
  if (outputs.length === 0) return doPlan();
  const step = doPlan();
  const next = fact.node({ in_parallel: { steps: outputs } });
  return fact.node({ ensure: { step, ensure: next } });
}
