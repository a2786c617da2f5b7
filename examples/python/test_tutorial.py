"""The Python tutorial app, checked as its users meet it: the freshly built wheel, aws-cdk-lib,
constructs and jsii from PyPI. It asserts the same facts as test/constructs/tutorial.test.ts, on the templates
that ``app.py`` writes, and that a bad compose file fails with the path-addressed message.

Run (CI: ``npx projen examples:python``): ``pytest examples/python``. The templates go to
$CDK_OUTDIR when it is set, else to a temporary folder.
"""
import json
import os
import runpy
import tempfile

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Match, Template
from cdk_compose_fargate import ComposeDefinition, ComposeFargateService
from jsii.errors import JavaScriptError

HERE = os.path.dirname(os.path.abspath(__file__))
TUTORIAL = os.path.join(HERE, "..", "tutorial")


@pytest.fixture(scope="module")
def templates():
    """Runs app.py as `cdk synth` would (its __main__, with CDK_OUTDIR set) and reads what it wrote."""
    outdir = os.environ.get("CDK_OUTDIR") or tempfile.mkdtemp(prefix="python-tutorial-")
    os.environ["CDK_OUTDIR"] = outdir
    runpy.run_path(os.path.join(HERE, "app.py"), run_name="__main__")
    result = {}
    for name in ("TutorialStack", "TutorialNewNetworkStack"):
        with open(os.path.join(outdir, f"{name}.template.json"), encoding="utf-8") as f:
            result[name] = Template.from_json(json.load(f))
    return result


@pytest.fixture(scope="module")
def new_network(templates):
    return templates["TutorialNewNetworkStack"]


@pytest.fixture(scope="module")
def existing(templates):
    return templates["TutorialStack"]


def resources(template, type_):
    return list(template.find_resources(type_).values())


# The tutorial with ecs-params-new-network.yml (nothing pre-existing)

def test_creates_an_ecs_cluster(new_network):
    new_network.resource_count_is("AWS::ECS::Cluster", 1)


def test_creates_a_vpc_with_two_public_subnets_in_two_azs_and_no_nat_gateway(new_network):
    new_network.resource_count_is("AWS::EC2::VPC", 1)
    new_network.resource_count_is("AWS::EC2::Subnet", 2)
    new_network.resource_count_is("AWS::EC2::InternetGateway", 1)
    new_network.resource_count_is("AWS::EC2::NatGateway", 0)
    subnets = resources(new_network, "AWS::EC2::Subnet")
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is True for s in subnets)
    assert len({json.dumps(s["Properties"]["AvailabilityZone"]) for s in subnets}) == 2
    new_network.resource_properties_count_is("AWS::EC2::Route", {
        "DestinationCidrBlock": "0.0.0.0/0",
        "GatewayId": Match.any_value(),
    }, 2)


def test_creates_a_security_group_that_admits_tcp_80_only(new_network):
    new_network.resource_count_is("AWS::EC2::SecurityGroup", 1)
    new_network.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)
    [sg] = resources(new_network, "AWS::EC2::SecurityGroup")
    [rule] = sg["Properties"]["SecurityGroupIngress"]
    assert {k: rule[k] for k in ("CidrIp", "IpProtocol", "FromPort", "ToPort")} == {
        "CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
    }


def test_creates_an_execution_role_with_the_ecs_task_execution_policy(new_network):
    new_network.has_resource_properties("AWS::IAM::Role", {
        "AssumeRolePolicyDocument": {
            "Statement": [Match.object_like({
                "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            })],
        },
        "ManagedPolicyArns": [
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                               ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]]},
        ],
    })


def sdk_call(value):
    """The SDK call a custom resource's Create property holds (JSON text, joined when it holds references)."""
    if not isinstance(value, str):
        value = "".join(x for x in value["Fn::Join"][1] if isinstance(x, str))
    return json.loads(value)


def test_creates_the_log_group_tutorial_when_missing_and_keeps_it(new_network):
    # No AWS::Logs::LogGroup: one with a fixed name fails the next deploy after `cdk destroy` ("already exists").
    new_network.resource_count_is("AWS::Logs::LogGroup", 0)
    [create] = resources(new_network, "Custom::LogGroup")
    call = sdk_call(create["Properties"]["Create"])
    assert call["action"] == "CreateLogGroup"
    assert call["parameters"] == {"logGroupName": "tutorial"}
    assert call["ignoreErrorCodesMatching"] == "ResourceAlreadyExistsException"
    assert "Delete" not in create["Properties"]
    [retention] = resources(new_network, "Custom::LogGroupRetention")
    assert sdk_call(retention["Properties"]["Create"])["parameters"] == {"logGroupName": "tutorial", "retentionInDays": 30}


def test_creates_one_fargate_task_definition_with_the_container_web(new_network):
    new_network.resource_count_is("AWS::ECS::TaskDefinition", 1)
    new_network.has_resource_properties("AWS::ECS::TaskDefinition", {
        "Family": "tutorial",
        "NetworkMode": "awsvpc",
        "RequiresCompatibilities": ["FARGATE"],
        "Cpu": "256",
        "Memory": "512",
        "ContainerDefinitions": [Match.object_like({
            "Name": "web",
            "Image": "amazon/amazon-ecs-sample",
            "Essential": True,
            "PortMappings": [{"ContainerPort": 80, "HostPort": 80, "Protocol": "tcp"}],
            "LogConfiguration": {
                "LogDriver": "awslogs",
                "Options": {"awslogs-group": "tutorial", "awslogs-region": {"Ref": "AWS::Region"}, "awslogs-stream-prefix": "web"},
            },
        })],
    })


def test_creates_one_fargate_service_with_a_public_ip_in_the_public_subnets(new_network):
    new_network.resource_count_is("AWS::ECS::Service", 1)
    new_network.has_resource_properties("AWS::ECS::Service", {
        "LaunchType": "FARGATE",
        "DesiredCount": 1,
        "ServiceName": "tutorial",
        "NetworkConfiguration": {"AwsvpcConfiguration": {
            "AssignPublicIp": "ENABLED",
            "Subnets": [
                {"Ref": Match.string_like_regexp("PublicSubnet1Subnet")},
                {"Ref": Match.string_like_regexp("PublicSubnet2Subnet")},
            ],
            "SecurityGroups": [{"Fn::GetAtt": [Match.string_like_regexp("TutorialSecurityGroup"), "GroupId"]}],
        }},
        "DeploymentConfiguration": Match.object_like({"DeploymentCircuitBreaker": {"Enable": True, "Rollback": True}}),
    })


# The tutorial with its own ecs-params.yml (existing network and role)

def test_creates_no_vpc_resources_and_no_security_group(existing):
    for type_ in ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::InternetGateway", "AWS::EC2::RouteTable",
                  "AWS::EC2::Route", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"):
        existing.resource_count_is(type_, 0)


def test_runs_in_the_listed_subnets_and_security_group_with_a_public_ip(existing):
    existing.has_resource_properties("AWS::ECS::Service", {
        "NetworkConfiguration": {"AwsvpcConfiguration": {
            "AssignPublicIp": "ENABLED",
            "Subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
            "SecurityGroups": ["sg-0acd34feae1cd3bb6"],
        }},
    })


def test_uses_the_existing_ecs_task_execution_role_and_creates_none(existing):
    [task] = resources(existing, "AWS::ECS::TaskDefinition")
    arn = json.dumps(task["Properties"]["ExecutionRoleArn"])
    assert ":role/ecsTaskExecutionRole" in arn
    # the roles: the task role CDK creates for the task definition, and the role of the custom resources that
    # make the log group (the imported execution role is not changed)
    existing.resource_count_is("AWS::IAM::Role", 2)
    existing.has_resource_properties("AWS::IAM::Role", {
        "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "ecs-tasks.amazonaws.com"}})]}),
        "ManagedPolicyArns": Match.absent(),
    })


def test_still_creates_the_cluster_log_group_task_definition_and_service(existing):
    for type_ in ("AWS::ECS::Cluster", "Custom::LogGroup", "AWS::ECS::TaskDefinition", "AWS::ECS::Service"):
        existing.resource_count_is(type_, 1)
    existing.has_resource_properties("AWS::ECS::TaskDefinition", {"Cpu": "256", "Memory": "512"})


# Bad input

def test_a_port_protocol_ecs_lacks_fails_with_the_file_and_path(tmp_path):
    with open(os.path.join(TUTORIAL, "docker-compose.yml"), encoding="utf-8") as f:
        compose = f.read()
    assert '"80:80"' in compose
    bad = tmp_path / "docker-compose.yml"
    bad.write_text(compose.replace('"80:80"', '"80:80/sctp"'), encoding="utf-8")

    with pytest.raises(RuntimeError) as error:  # a jsii error carrying the library's message
        ComposeFargateService(Stack(App(), "BadStack"), "Tutorial",
            compose=ComposeDefinition.from_file(str(bad), variables={}))
    # What the README says an error looks like in Python: a RuntimeError whose message is the library's, raised
    # from the JavaScript error (printed first), which carries the same message and the JavaScript stack.
    message = str(error.value)
    assert message.startswith('ComposeFargateError: docker-compose.yml: services.web.ports[0]: protocol "sctp" is not '
                              'supported by ECS: use "tcp" or "udp"; got "80:80/sctp"')
    assert type(error.value) is RuntimeError
    assert isinstance(error.value.__cause__, JavaScriptError)
    assert error.value.__cause__.args[0].startswith(f"@jsii/kernel.RuntimeError: {message}\n")
