/**
 * What one task (ComposeFargateService) says about the deployment keys: the keys ComposeFargateProject
 * reads (restart, container_name, expose, links, hostname, networks, deploy.restart_policy, the
 * top-level networks) are dropped by one task, each with a warning at its path. Normalize noted where
 * the file gives them (ComposeModel.deploymentKeys); the project warns about none of them.
 */
import { ComposeModel, DeploymentKey } from '../model';
import { COMPOSE_SERVICE_KEYS, COMPOSE_TOP_LEVEL_KEYS } from '../normalize/compose-keys';
import { Warning } from '../problems';

/** What the project does with deploy.restart_policy, which the key tables do not list as a key of its own. */
const RESTART_POLICY_IN_PROJECT = '(ComposeFargateProject: condition none makes a service that runs once)';

/** Why one task drops a deployment key, as the key tables say it (deploy.restart_policy: as `restart`). */
function oneTask(d: DeploymentKey): string | undefined {
  const key = d.key === 'deploy.restart_policy' ? 'restart' : d.key;
  const why = (d.path.length === 1 ? COMPOSE_TOP_LEVEL_KEYS : COMPOSE_SERVICE_KEYS).find(k => k.key === key)?.oneTask;
  return d.key === 'deploy.restart_policy' ? `${why} ${RESTART_POLICY_IN_PROJECT}` : why;
}

/** The compose file's warnings as one task has them: the model's, with each deployment key's in its place among them. */
export function singleTaskWarnings(compose: ComposeModel): Warning[] {
  const out: Warning[] = [];
  let next = 0;
  for (const d of compose.deploymentKeys) {
    out.push(...compose.warnings.slice(next, d.warningsBefore));
    next = d.warningsBefore;
    out.push({ id: 'ignored-key', file: compose.file, path: d.path, message: `ignored on Fargate: ${oneTask(d)}` });
  }
  out.push(...compose.warnings.slice(next));
  return out;
}
