#!/usr/bin/env python3
"""The ecs-cli Fargate tutorial as a Python CDK app: the tutorial's docker-compose.yml and
ecs-params.yml (in ../tutorial), deployed with one construct. The same app as
examples/tutorial/app.ts.

- ``TutorialStack`` uses the tutorial's own ecs-params.yml: the subnets, security group and
  execution role it names already exist, so only the cluster, log group, task definition and
  service are created.
- ``TutorialNewNetworkStack`` uses ecs-params-new-network.yml: the construct also creates the VPC,
  the security group and the execution role.

Run: ``pip install -r requirements.txt``, then ``cdk synth`` in this folder (see cdk.json), or
``python app.py`` (writes to $CDK_OUTDIR, else ./cdk.out).
"""
import os

import aws_cdk as cdk
from cdk_compose_fargate import ComposeDefinition, ComposeFargateService, EcsParams

TUTORIAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tutorial")


def build_tutorial_app(outdir=None):
    app = cdk.App(outdir=outdir)
    # The tutorial's files read no variables: `variables={}` keeps synthesis independent of the shell.
    for stack_id, ecs_params_file in [
        ("TutorialStack", "ecs-params.yml"),
        ("TutorialNewNetworkStack", "ecs-params-new-network.yml"),
    ]:
        stack = cdk.Stack(app, stack_id)
        ComposeFargateService(stack, "Tutorial",
            project_name="tutorial",
            compose=ComposeDefinition.from_file(os.path.join(TUTORIAL, "docker-compose.yml"), variables={}),
            ecs_params=EcsParams.from_file(os.path.join(TUTORIAL, ecs_params_file), variables={}),
        )
    return app


if __name__ == "__main__":
    build_tutorial_app(os.environ.get("CDK_OUTDIR") or "cdk.out").synth()
