"""ComposeFargateProject from Python, through the freshly built wheel: the WordPress example of
examples/project (one ECS service per compose service, the database reached by name through
Service Connect), with per-service options given as a Python dict of structs.

Run (CI: ``npx projen examples:python``): ``pytest examples/python``.
"""
import os

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template
from cdk_compose_fargate import ComposeDefinition, ComposeFargateProject, ComposeServiceOptions

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "..", "project")


@pytest.fixture(scope="module")
def synthesized():
    app = App()
    stack = Stack(app, "BlogStack")
    blog = ComposeFargateProject(
        stack,
        "Blog",
        compose=ComposeDefinition.from_file(os.path.join(PROJECT, "docker-compose.yml"), variables={}),
        services={"wordpress": ComposeServiceOptions(desired_count=2)},
    )
    return blog, Template.from_stack(stack)


def services(template):
    return {r["Properties"]["ServiceName"]: r for r in template.find_resources("AWS::ECS::Service").values()}


def test_one_ecs_service_per_compose_service(synthesized):
    blog, template = synthesized
    assert sorted(services(template)) == ["blog-db", "blog-wordpress"]
    assert blog.service_names == ["wordpress", "db"]
    assert blog.service("db").find_container("db") is not None


def test_the_database_answers_by_its_compose_name(synthesized):
    _, template = synthesized
    db = services(template)["blog-db"]
    aliases = db["Properties"]["ServiceConnectConfiguration"]["Services"][0]["ClientAliases"]
    assert aliases == [{"DnsName": "db", "Port": 3306}]


def test_per_service_options_apply(synthesized):
    _, template = synthesized
    assert services(template)["blog-wordpress"]["Properties"]["DesiredCount"] == 2
    assert services(template)["blog-db"]["Properties"]["DesiredCount"] == 1


def test_an_unknown_service_name_is_reported_by_path():
    stack = Stack(App(), "Bad")
    with pytest.raises(RuntimeError, match=r"services\.wrodpress: no long-running compose service named"):
        ComposeFargateProject(
            stack,
            "Blog",
            compose=ComposeDefinition.from_file(os.path.join(PROJECT, "docker-compose.yml"), variables={}),
            services={"wrodpress": ComposeServiceOptions(desired_count=2)},
        )
