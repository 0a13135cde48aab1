package org.codingkpi.cli;

import org.codingkpi.app.Clusters;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;

import java.time.Duration;
import java.util.Set;

/**
 * Before a command reads or sends anything: the cluster answers within 10 s, and it takes these
 * security settings and grants the principal what the command needs. When the cluster cannot be
 * reached, the access check is asked why (a wrong password, an untrusted certificate, a plaintext
 * client on a TLS listener all look like "cannot reach" from outside), and its answer is added.
 */
final class ClusterCheck {
    private static final Duration EXPLAIN_WITHIN = Duration.ofSeconds(5);

    private ClusterCheck() {
    }

    static void require(PipelineConfig c, java.util.List<PipelineAcls.Grant> acls, Set<String> creates, Duration accessTimeout) {
        try {
            Clusters.requireReachable(c, Clusters.REACHABLE_WITHIN);
        } catch (IllegalStateException unreachable) {
            try {
                KafkaAccess.check(c, acls, creates, EXPLAIN_WITHIN);
            } catch (RuntimeException why) {
                throw new IllegalStateException(unreachable.getMessage() + "\n  " + why.getMessage(), unreachable);
            }
            throw unreachable;
        }
        KafkaAccess.check(c, acls, creates, accessTimeout);
    }
}
