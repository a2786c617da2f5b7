package io.github.cdkcomposefargate.examples;

import io.github.cdkcomposefargate.ComposeDefinition;
import io.github.cdkcomposefargate.ComposeFargateService;
import io.github.cdkcomposefargate.EcsParams;
import io.github.cdkcomposefargate.LoadOptions;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;

/**
 * The ecs-cli Fargate tutorial as a Java CDK app: the tutorial's docker-compose.yml and ecs-params.yml
 * (in ../tutorial), deployed with one construct. The same app as examples/tutorial/app.ts.
 *
 * <ul>
 *   <li>{@code TutorialStack} uses the tutorial's own ecs-params.yml: the subnets, security group and
 *       execution role it names already exist, so only the cluster, log group, task definition and
 *       service are created.</li>
 *   <li>{@code TutorialNewNetworkStack} uses ecs-params-new-network.yml: the construct also creates the
 *       VPC, the security group and the execution role.</li>
 * </ul>
 */
public final class TutorialApp {
    /** The tutorial's two files, relative to this example's folder (where `cdk` and `mvn` run). */
    static final Path TUTORIAL = Path.of("..", "tutorial");

    private TutorialApp() {
    }

    public static App buildTutorialApp(final String outdir) {
        App app = new App(AppProps.builder().outdir(outdir).build());
        addTutorial(new Stack(app, "TutorialStack"), "ecs-params.yml");
        addTutorial(new Stack(app, "TutorialNewNetworkStack"), "ecs-params-new-network.yml");
        return app;
    }

    private static void addTutorial(final Stack stack, final String ecsParamsFile) {
        // The tutorial's files read no variables: an empty map keeps synthesis independent of the shell.
        LoadOptions options = LoadOptions.builder().variables(Map.of()).build();
        ComposeFargateService.Builder.create(stack, "Tutorial")
                .projectName("tutorial")
                .compose(ComposeDefinition.fromFile(TUTORIAL.resolve("docker-compose.yml").toString(), options))
                .ecsParams(EcsParams.fromFile(TUTORIAL.resolve(ecsParamsFile).toString(), options))
                .build();
    }

    /** Where the app writes its cloud assembly: $CDK_OUTDIR (set by `cdk synth`), else ./cdk.out. */
    static String outdir() {
        String outdir = System.getenv("CDK_OUTDIR");
        return outdir == null || outdir.isEmpty() ? "cdk.out" : outdir;
    }

    public static void main(final String[] args) {
        buildTutorialApp(outdir()).synth();
    }
}
