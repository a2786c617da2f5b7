package io.github.cdkcomposefargate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkcomposefargate.ComposeDefinition;
import io.github.cdkcomposefargate.ComposeFargateService;
import io.github.cdkcomposefargate.LoadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The Java tutorial app, checked as its users meet it: the freshly built artifact and aws-cdk-lib from
 * Maven Central. It asserts the same facts as test/constructs/tutorial.test.ts, on the templates that the app's
 * {@code main} writes (to $CDK_OUTDIR, which the surefire configuration sets to target/cdk.out), and
 * that a bad compose file fails with the path-addressed message.
 */
class TutorialAppTest {
    private static Template newNetwork;
    private static Template existing;

    @BeforeAll
    static void runTheApp() {
        TutorialApp.main(new String[0]);
        CloudAssembly assembly = new CloudAssembly(TutorialApp.outdir());
        newNetwork = templateOf(assembly, "TutorialNewNetworkStack");
        existing = templateOf(assembly, "TutorialStack");
    }

    @SuppressWarnings("unchecked")
    private static Template templateOf(final CloudAssembly assembly, final String stackName) {
        return Template.fromJSON((Map<String, Object>) assembly.getStackByName(stackName).getTemplate());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> propertiesOf(final Template template, final String type) {
        return template.findResources(type).values().stream()
                .map(r -> (Map<String, Object>) ((Map<String, Object>) r).get("Properties"))
                .toList();
    }

    /** The tutorial with ecs-params-new-network.yml (nothing pre-existing). */
    @Nested
    class NewNetwork {
        @Test
        void createsAnEcsCluster() {
            newNetwork.resourceCountIs("AWS::ECS::Cluster", 1);
        }

        @Test
        void createsAVpcWithTwoPublicSubnetsInTwoAzsAndNoNatGateway() {
            newNetwork.resourceCountIs("AWS::EC2::VPC", 1);
            newNetwork.resourceCountIs("AWS::EC2::Subnet", 2);
            newNetwork.resourceCountIs("AWS::EC2::InternetGateway", 1);
            newNetwork.resourceCountIs("AWS::EC2::NatGateway", 0);
            Set<String> azs = new HashSet<>();
            for (Map<String, Object> subnet : propertiesOf(newNetwork, "AWS::EC2::Subnet")) {
                assertEquals(true, subnet.get("MapPublicIpOnLaunch"));
                azs.add(String.valueOf(subnet.get("AvailabilityZone")));
            }
            assertEquals(2, azs.size());
            newNetwork.resourcePropertiesCountIs("AWS::EC2::Route", Map.of(
                    "DestinationCidrBlock", "0.0.0.0/0",
                    "GatewayId", Match.anyValue()), 2);
        }

        @Test
        void createsASecurityGroupThatAdmitsTcp80Only() {
            newNetwork.resourceCountIs("AWS::EC2::SecurityGroup", 1);
            newNetwork.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
            newNetwork.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                    "SecurityGroupIngress", List.of(Match.objectLike(Map.of(
                            "CidrIp", "0.0.0.0/0", "IpProtocol", "tcp", "FromPort", 80, "ToPort", 80)))));
        }

        @Test
        void createsAnExecutionRoleWithTheEcsTaskExecutionPolicy() {
            newNetwork.hasResourceProperties("AWS::IAM::Role", Map.of(
                    "AssumeRolePolicyDocument", Map.of("Statement", List.of(Match.objectLike(Map.of(
                            "Action", "sts:AssumeRole",
                            "Principal", Map.of("Service", "ecs-tasks.amazonaws.com"))))),
                    "ManagedPolicyArns", List.of(Map.of("Fn::Join", List.of("", List.of(
                            "arn:", Map.of("Ref", "AWS::Partition"),
                            ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"))))));
        }

        @Test
        void createsTheLogGroupTutorialWhenMissingAndKeepsIt() {
            // No AWS::Logs::LogGroup: one with a fixed name fails the next deploy after `cdk destroy`.
            newNetwork.resourceCountIs("AWS::Logs::LogGroup", 0);
            List<Map<String, Object>> create = propertiesOf(newNetwork, "Custom::LogGroup");
            assertEquals(1, create.size());
            // the SDK call, as JSON text
            String call = String.valueOf(create.get(0).get("Create"));
            assertTrue(call.contains("\"action\":\"CreateLogGroup\""), call);
            assertTrue(call.contains("\"parameters\":{\"logGroupName\":\"tutorial\"}"), call);
            assertTrue(call.contains("\"ignoreErrorCodesMatching\":\"ResourceAlreadyExistsException\""), call);
            // nothing on delete: the group and its logs stay
            assertTrue(!create.get(0).containsKey("Delete"), String.valueOf(create.get(0)));
            String retention = String.valueOf(propertiesOf(newNetwork, "Custom::LogGroupRetention").get(0).get("Create"));
            assertTrue(retention.contains("\"logGroupName\":\"tutorial\",\"retentionInDays\":30"), retention);
        }

        @Test
        void createsOneFargateTaskDefinitionWithTheContainerWeb() {
            newNetwork.resourceCountIs("AWS::ECS::TaskDefinition", 1);
            newNetwork.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                    "Family", "tutorial",
                    "NetworkMode", "awsvpc",
                    "RequiresCompatibilities", List.of("FARGATE"),
                    "Cpu", "256",
                    "Memory", "512",
                    "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                            "Name", "web",
                            "Image", "amazon/amazon-ecs-sample",
                            "Essential", true,
                            "PortMappings", List.of(Map.of("ContainerPort", 80, "HostPort", 80, "Protocol", "tcp")),
                            "LogConfiguration", Map.of(
                                    "LogDriver", "awslogs",
                                    "Options", Map.of(
                                            "awslogs-group", "tutorial",
                                            "awslogs-region", Map.of("Ref", "AWS::Region"),
                                            "awslogs-stream-prefix", "web")))))));
        }

        @Test
        void createsOneFargateServiceWithAPublicIpInThePublicSubnets() {
            newNetwork.resourceCountIs("AWS::ECS::Service", 1);
            newNetwork.hasResourceProperties("AWS::ECS::Service", Map.of(
                    "LaunchType", "FARGATE",
                    "DesiredCount", 1,
                    "ServiceName", "tutorial",
                    "NetworkConfiguration", Map.of("AwsvpcConfiguration", Map.of(
                            "AssignPublicIp", "ENABLED",
                            "Subnets", List.of(
                                    Map.of("Ref", Match.stringLikeRegexp("PublicSubnet1Subnet")),
                                    Map.of("Ref", Match.stringLikeRegexp("PublicSubnet2Subnet"))),
                            "SecurityGroups", List.of(Map.of("Fn::GetAtt", List.of(
                                    Match.stringLikeRegexp("TutorialSecurityGroup"), "GroupId"))))),
                    "DeploymentConfiguration", Match.objectLike(Map.of(
                            "DeploymentCircuitBreaker", Map.of("Enable", true, "Rollback", true)))));
        }
    }

    /** The tutorial with its own ecs-params.yml (existing network and role). */
    @Nested
    class ExistingNetwork {
        @Test
        void createsNoVpcResourcesAndNoSecurityGroup() {
            for (String type : List.of("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::InternetGateway",
                    "AWS::EC2::RouteTable", "AWS::EC2::Route", "AWS::EC2::SecurityGroup",
                    "AWS::EC2::SecurityGroupIngress")) {
                existing.resourceCountIs(type, 0);
            }
        }

        @Test
        void runsInTheListedSubnetsAndSecurityGroupWithAPublicIp() {
            existing.hasResourceProperties("AWS::ECS::Service", Map.of(
                    "NetworkConfiguration", Map.of("AwsvpcConfiguration", Map.of(
                            "AssignPublicIp", "ENABLED",
                            "Subnets", List.of("subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"),
                            "SecurityGroups", List.of("sg-0acd34feae1cd3bb6")))));
        }

        @Test
        void usesTheExistingEcsTaskExecutionRoleAndCreatesNone() {
            Object arn = propertiesOf(existing, "AWS::ECS::TaskDefinition").get(0).get("ExecutionRoleArn");
            assertTrue(String.valueOf(arn).contains(":role/ecsTaskExecutionRole"), String.valueOf(arn));
            // the roles: the task role CDK creates for the task definition, and the role of the custom
            // resources that make the log group (the imported execution role is not changed)
            existing.resourceCountIs("AWS::IAM::Role", 2);
            existing.hasResourceProperties("AWS::IAM::Role", Map.of(
                    "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                            "Principal", Map.of("Service", "ecs-tasks.amazonaws.com")))))),
                    "ManagedPolicyArns", Match.absent()));
        }

        @Test
        void stillCreatesTheClusterLogGroupTaskDefinitionAndService() {
            for (String type : List.of("AWS::ECS::Cluster", "Custom::LogGroup", "AWS::ECS::TaskDefinition",
                    "AWS::ECS::Service")) {
                existing.resourceCountIs(type, 1);
            }
            existing.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("Cpu", "256", "Memory", "512"));
        }
    }

    @Test
    void aPortProtocolEcsLacksFailsWithTheFileAndPath(@TempDir final Path dir) throws IOException {
        String compose = Files.readString(TutorialApp.TUTORIAL.resolve("docker-compose.yml"));
        assertTrue(compose.contains("\"80:80\""));
        Path bad = Files.writeString(dir.resolve("docker-compose.yml"), compose.replace("\"80:80\"", "\"80:80/sctp\""));

        RuntimeException error = assertThrows(RuntimeException.class, () ->
                ComposeFargateService.Builder.create(new Stack(new App(), "BadStack"), "Tutorial")
                        .compose(ComposeDefinition.fromFile(bad.toString(),
                                LoadOptions.builder().variables(Map.of()).build()))
                        .build());
        // What the README says an error looks like in Java: a RuntimeException whose message holds the library's
        // message, then the same again after "@jsii/kernel.RuntimeError: ", then the JavaScript stack.
        assertEquals(RuntimeException.class, error.getClass());
        String message = error.getMessage();
        int repeat = message.indexOf("\n@jsii/kernel.RuntimeError: ");
        assertTrue(repeat > 0, message);
        String problems = message.substring(0, repeat);
        assertTrue(problems.startsWith("ComposeFargateError: docker-compose.yml: services.web.ports[0]: protocol \"sctp\" is not "
                + "supported by ECS: use \"tcp\" or \"udp\"; got \"80:80/sctp\""), message);
        assertTrue(message.startsWith(problems + "\n@jsii/kernel.RuntimeError: " + problems + "\n"), message);
    }
}
