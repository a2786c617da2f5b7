"""The baseline, in Python: what one writes with aws-cdk-lib's Python bindings alone to get the
resources ComposeFargateService makes, the values of the files written into the code (the
tutorial), or built in a loop from the same data the generated compose file was written from.
The same app as bench/apps/handwritten.ts: same stack name, same construct ids, so the benchmark
checks that it synthesizes the construct's template; the `project` kind is its ComposeFargateProject
case (the generated services, a task and an ECS service each).
"""
from harness import start_app

marks, case, outdir = start_app()

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, aws_logs as logs  # noqa: E402
from aws_cdk import aws_servicediscovery as servicediscovery, custom_resources as cr  # noqa: E402
from constructs import Construct  # noqa: E402
marks.mark("aws-cdk-lib")
marks.mark("library")  # no library of ours
marks.mark("read")  # no file to read

app = cdk.App(outdir=outdir)
stack = cdk.Stack(app, case["stack"])


def vpc_and_cluster(scope):
    """VPC (two public subnets, no NAT) and cluster."""
    vpc = ec2.Vpc(scope, "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24)],
    )
    cluster = ecs.Cluster(scope, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
    return vpc, cluster


def security_group_of(scope, vpc, description, ports):
    """The security group: all outbound, the published ports open to anyone."""
    security_group = ec2.SecurityGroup(scope, "SecurityGroup", vpc=vpc, description=description, allow_all_outbound=True)
    for port in ports:
        security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port), f"published port {port}/tcp")
    return security_group


def execution_role_of(scope):
    return iam.Role(scope, "ExecutionRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonECSTaskExecutionRolePolicy")],
    )


def task_definition_of(scope, family, cpu, memory_limit_mib, execution_role):
    """A Fargate task definition for x86-64 Linux (the images are built or pulled for it)."""
    return ecs.FargateTaskDefinition(scope, "TaskDefinition",
        family=family,
        cpu=cpu,
        memory_limit_mib=memory_limit_mib,
        execution_role=execution_role,
        runtime_platform=ecs.RuntimePlatform(operating_system_family=ecs.OperatingSystemFamily.LINUX,
                                             cpu_architecture=ecs.CpuArchitecture.X86_64),
    )


def foundation(scope, project):
    """VPC, cluster, execution role, task definition: one task for all containers (its security
    group comes after the containers, in the construct's order)."""
    vpc, cluster = vpc_and_cluster(scope)
    execution_role = execution_role_of(scope)
    task_definition = task_definition_of(scope, project, 256, 512, execution_role)
    return vpc, cluster, task_definition, execution_role


def single_task_group(scope, vpc, project, ports):
    return security_group_of(scope, vpc, f"{project}: published ports of the compose file", ports)


def named_log_group(scope, id, log_group_name, retention_in_days):
    """A log group of a fixed name, created if it is missing and kept on delete: CreateLogGroup (an
    existing group is fine) and PutRetentionPolicy from aws-cdk-lib's AwsCustomResource function."""
    group = Construct(scope, id)

    def arn(name):
        return stack.format_arn(service="logs", resource="log-group", resource_name=name, arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    resources = [arn(log_group_name), arn(f"{log_group_name}:*")]

    def call(action, parameters, ignore=None):
        return cr.AwsSdkCall(service="CloudWatchLogs", action=action, parameters=parameters,
                             physical_resource_id=cr.PhysicalResourceId.of(log_group_name), ignore_error_codes_matching=ignore)
    create = cr.AwsCustomResource(group, "Create",
        resource_type="Custom::LogGroup",
        on_create=call("CreateLogGroup", {"logGroupName": log_group_name}, "ResourceAlreadyExistsException"),
        on_update=call("CreateLogGroup", {"logGroupName": log_group_name}, "ResourceAlreadyExistsException"),
        policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(actions=["logs:CreateLogGroup"], resources=resources)]),
        install_latest_aws_sdk=False,
    )
    retention = cr.AwsCustomResource(group, "Retention",
        resource_type="Custom::LogGroupRetention",
        on_create=call("PutRetentionPolicy", {"logGroupName": log_group_name, "retentionInDays": retention_in_days}),
        on_update=call("PutRetentionPolicy", {"logGroupName": log_group_name, "retentionInDays": retention_in_days}),
        policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(actions=["logs:PutRetentionPolicy"], resources=resources)]),
        install_latest_aws_sdk=False,
    )
    retention.node.add_dependency(create)
    # The shared function's role is ordered by the GetAtt already: its DependsOn goes (validator W3005).
    stack.node.find_child("AWS679f53fac002430cb0da5b7982bd2287").node.default_child.add_deletion_override("DependsOn")
    return group, logs.LogGroup.from_log_group_name(group, "Group", log_group_name)


def service(scope, name, cluster, security_group, task_definition):
    return ecs.FargateService(scope, "Service",
        service_name=name,
        cluster=cluster,
        task_definition=task_definition,
        desired_count=1,
        assign_public_ip=True,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        security_groups=[security_group],
        circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
        min_healthy_percent=100,
        max_healthy_percent=200,
    )


def generated_container(task_definition, s, log_group, port_mapping_name=None):
    """The container of one generated service, logging to its own log group."""
    task_definition.add_container(s["name"],
        container_name=s["name"],
        image=ecs.ContainerImage.from_registry(s["image"]),
        essential=True,
        port_mappings=[ecs.PortMapping(container_port=s["port"], host_port=s["port"], protocol=ecs.Protocol.TCP,
                                       name=port_mapping_name)],
        environment={e["name"]: e["value"] for e in s["environment"]},
        command=s["command"],
        health_check=ecs.HealthCheck(
            command=s["healthCheck"]["command"],
            interval=cdk.Duration.seconds(s["healthCheck"]["intervalSeconds"]),
            retries=s["healthCheck"]["retries"],
        ),
        logging=ecs.GenericLogDriver(
            log_driver="awslogs",
            options={"awslogs-group": log_group.log_group_name, "awslogs-region": stack.region,
                     "awslogs-stream-prefix": s["name"]},
        ),
    )


def project_of(scope, project, services):
    """What ComposeFargateProject makes of services that each have a network of their own and reference
    none of the others: per service a task of its own (execution role, task role, log group), a security
    group open on its published port, and an ECS service that is a Service Connect client and serves
    its one port under its name. (Sharing no network, no service admits another.)"""
    vpc, cluster = vpc_and_cluster(scope)
    namespace = cluster.add_default_cloud_map_namespace(
        name=f"{project}.local", type=servicediscovery.NamespaceType.HTTP, use_for_service_connect=True)
    for s in services:
        name, port = s["name"], s["port"]
        child = Construct(scope, name)
        # Room for the Service Connect proxy: 256 CPU units and 64 MiB on top of the container.
        task_definition = task_definition_of(child, f"{project}-{name}", 512, 1024, execution_role_of(child))
        log_group = logs.LogGroup(child, f"{name}LogGroup", retention=logs.RetentionDays.ONE_MONTH)
        port_mapping_name = f"{name}-{port}"
        generated_container(task_definition, s, log_group, port_mapping_name)
        security_group = security_group_of(child, vpc, f"{project}/{name}: published ports and the project services that reach it", [port])
        service(child, f"{project}-{name}", cluster, security_group, task_definition).enable_service_connect(
            namespace=namespace.namespace_arn,
            services=[ecs.ServiceConnectService(port_mapping_name=port_mapping_name, dns_name=name, port=port,
                                                discovery_name=port_mapping_name)],
        )


scope = Construct(stack, case["scope"])
if case["kind"] == "project":
    project_of(scope, case["project"], case["services"])
elif case["scenario"] == "tutorial":
    vpc, cluster, task_definition, execution_role = foundation(scope, "tutorial")
    ready, log_group = named_log_group(scope, "webLogGroup", "tutorial", 30)
    task_definition.node.add_dependency(ready)
    log_group.grant_write(execution_role)
    task_definition.add_container("web",
        container_name="web",
        image=ecs.ContainerImage.from_registry("amazon/amazon-ecs-sample"),
        essential=True,
        port_mappings=[ecs.PortMapping(container_port=80, host_port=80, protocol=ecs.Protocol.TCP)],
        logging=ecs.GenericLogDriver(
            log_driver="awslogs",
            options={"awslogs-group": "tutorial", "awslogs-region": stack.region, "awslogs-stream-prefix": "web"},
        ),
    )
    service(scope, "tutorial", cluster, single_task_group(scope, vpc, "tutorial", [80]), task_definition)
else:
    services = case["services"]
    vpc, cluster, task_definition, _ = foundation(scope, case["project"])
    for s in services:
        generated_container(task_definition, s, logs.LogGroup(scope, f"{s['name']}LogGroup", retention=logs.RetentionDays.ONE_MONTH))
    service(scope, case["project"], cluster, single_task_group(scope, vpc, case["project"], [s["port"] for s in services]), task_definition)
marks.mark("built")
app.synth()
marks.report()
