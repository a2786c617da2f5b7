"""The app under test, in Python: the tutorial, or N generated services, through the built wheel's
ComposeFargateService (for the `project` kind, its ComposeFargateProject), written as a user writes
it. Everything, reading and checking the files included, happens in the timed process.
"""
import os

from harness import start_app

marks, case, outdir = start_app()

import aws_cdk as cdk  # noqa: E402
marks.mark("aws-cdk-lib")

from cdk_compose_fargate import ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams  # noqa: E402
marks.mark("library")

# Variables given explicitly: synthesis does not depend on the shell's environment.
if case["scenario"] == "tutorial":
    compose = ComposeDefinition.from_file(os.path.join(case["input"], "docker-compose.yml"), variables={})
    ecs_params = EcsParams.from_file(os.path.join(case["input"], "ecs-params-new-network.yml"), variables={})
else:
    compose = ComposeDefinition.from_file(case["input"], variables={})
    ecs_params = None
marks.mark("read")

app = cdk.App(outdir=outdir)
stack = cdk.Stack(app, case["stack"])
construct = ComposeFargateProject if case["kind"] == "project" else ComposeFargateService
construct(stack, case["scope"], project_name=case["project"], compose=compose, ecs_params=ecs_params)
marks.mark("built")
app.synth()
marks.report()
