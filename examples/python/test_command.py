"""The `cdk-compose-fargate` command as a Python user gets it: the console script that pip installed
with the wheel (jsii-pacmak writes it; it asks the jsii runtime for the npm package's bin script and
runs that script with the runtime's Node.js). Each test runs it as a separate process and checks its
exit status: 0 when it worked, 1 for bad input, 2 for a bad command line. Each run takes 15 s of CPU
or more, nearly all of it before the command starts (jsii's launcher imports all of aws-cdk-lib's
Python package and unpacks aws-cdk-lib: see BENCHMARKS.md), so there are three.

Run (CI: ``npx projen examples:python``): ``pytest examples/python``, with the venv's python.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest
from aws_cdk.assertions import Template

HERE = os.path.dirname(os.path.abspath(__file__))
TUTORIAL = os.path.join(HERE, "..", "tutorial")


@pytest.fixture(scope="module")
def command():
    """The console script next to this interpreter (the venv's bin/), not one found elsewhere on PATH."""
    found = shutil.which("cdk-compose-fargate", path=os.path.dirname(sys.executable))
    assert found, f"no cdk-compose-fargate console script next to {sys.executable}"
    return found


def run(command, *args, cwd):
    # The tutorial's files read no variables; COMPOSE_* and CDK_DEFAULT_* would change the defaults.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "CDK_DEFAULT_"))}
    return subprocess.run([command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def tutorial_folder(tmp_path, compose_edit=lambda text: text):
    """The tutorial as a user has it: docker-compose.yml and ecs-params.yml (the new-network one) in one folder."""
    with open(os.path.join(TUTORIAL, "docker-compose.yml"), encoding="utf-8") as f:
        (tmp_path / "docker-compose.yml").write_text(compose_edit(f.read()), encoding="utf-8")
    shutil.copy(os.path.join(TUTORIAL, "ecs-params-new-network.yml"), tmp_path / "ecs-params.yml")
    return tmp_path


def test_synth_of_the_tutorial_writes_the_cloud_assembly_and_exits_0(command, tmp_path):
    folder = tutorial_folder(tmp_path)
    # An output folder with a space: the arguments reach the script unchanged.
    result = run(command, "synth", "-p", "tutorial", "-r", "us-west-1", "-o", "cdk out", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "Task definition tutorial: cpu 256 / memory 512 MiB, awsvpc, FARGATE" in result.stdout
    assert "Deploy it: npx cdk deploy --app \"cdk out\"" in result.stdout

    with open(folder / "cdk out" / "tutorial.template.json", encoding="utf-8") as f:
        template = Template.from_json(json.load(f))
    template.resource_count_is("AWS::ECS::Service", 1)
    template.has_resource_properties("AWS::ECS::TaskDefinition", {"Family": "tutorial", "Cpu": "256", "Memory": "512"})
    # the tutorial's log group, created when missing and kept on destroy (a custom resource)
    template.resource_count_is("Custom::LogGroup", 1)
    template.resource_count_is("AWS::Logs::LogGroup", 0)


def test_a_bad_file_exits_1_with_the_path_in_the_file_and_writes_nothing(command, tmp_path):
    folder = tutorial_folder(tmp_path, lambda text: text.replace('"80:80"', '"80:80/sctp"'))
    result = run(command, "synth", "-p", "tutorial", "-r", "us-west-1", cwd=folder)
    assert result.returncode == 1, result.stderr
    assert ('docker-compose.yml: services.web.ports[0]: protocol "sctp" is not supported by ECS: use "tcp" or "udp"; '
            'got "80:80/sctp"' in result.stderr)
    assert "cdk-compose-fargate synth: nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (folder / "cdk.out").exists()


def test_a_bad_command_line_exits_2_with_the_usage(command, tmp_path):
    result = run(command, "synth", "--cluster", "tutorial", cwd=tutorial_folder(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "usage: cdk-compose-fargate synth " in result.stderr
    assert not (tmp_path / "cdk.out").exists()
