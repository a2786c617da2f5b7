export * from './load-options';
export * from './options';
export * from './compose/compose-definition';
export * from './ecs-params/ecs-params';
export * from './base-props';
export * from './compose-fargate-service';
export * from './compose-fargate-project';
export * from './compose-project-service';
