package io.releasepipeline.cli;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import java.util.List;
import java.util.Optional;

/**
 * The local platform as the CLI tests need to see it: as Azure Container Apps in Single revision mode without the
 * mode switch (no traffic can be moved, as the real provider refuses), with revisions that have no URL of their own,
 * or refusing every call as Azure does a token it rejects. Thread-safe as the platform it wraps.
 */
final class PlatformView implements PlatformProvider {

    /** How the platform looks. */
    enum Look {
        /** Single revision mode, and {@code setTraffic} may not change the split there. */
        SINGLE_MODE_WITHOUT_TRAFFIC_CONTROL,
        /** Revisions have no URL of their own. */
        NO_REVISION_URLS,
        /** Every call fails as Azure answers a rejected token. */
        TOKEN_REFUSED
    }

    private final PlatformProvider platform;
    private final Look look;

    PlatformView(PlatformProvider platform, Look look) {
        this.platform = platform;
        this.look = look;
    }

    @Override
    public String providerName() {
        return "azure-container-apps";
    }

    @Override
    public String appName() {
        return platform.appName();
    }

    private void refuseIfAsked(String operation) {
        if (look == Look.TOKEN_REFUSED) {
            throw new ProviderException(providerName(), operation + " of " + appName(), "Azure Resource Manager "
                    + "rejected the credential (401 InvalidAuthenticationToken: the access token is invalid)", false,
                    null, 401, null);
        }
    }

    @Override
    public List<Revision> listRevisions() {
        refuseIfAsked("listRevisions");
        return platform.listRevisions().stream().map(this::view).toList();
    }

    @Override
    public Optional<Revision> revision(String name) {
        refuseIfAsked("revision(" + name + ")");
        return platform.revision(name).map(this::view);
    }

    private Revision view(Revision r) {
        return look != Look.NO_REVISION_URLS ? r : new Revision(r.name(), r.createdAt(), r.active(),
                r.trafficWeight(), r.health(), r.provisioning(), r.running(), r.image(), Optional.empty());
    }

    @Override
    public AppTraffic traffic() {
        refuseIfAsked("traffic");
        return view(platform.traffic());
    }

    private AppTraffic view(AppTraffic t) {
        return look != Look.SINGLE_MODE_WITHOUT_TRAFFIC_CONTROL ? t
                : new AppTraffic(RevisionMode.SINGLE, t.weights(), t.latestRevision(), t.latestReadyRevision());
    }

    @Override
    public boolean canMoveTraffic(RevisionMode mode) {
        return look != Look.SINGLE_MODE_WITHOUT_TRAFFIC_CONTROL || mode == RevisionMode.MULTIPLE;
    }

    @Override
    public void activate(String revision) {
        refuseIfAsked("activate(" + revision + ")");
        platform.activate(revision);
    }

    @Override
    public void deactivate(String revision) {
        refuseIfAsked("deactivate(" + revision + ")");
        platform.deactivate(revision);
    }

    @Override
    public AppTraffic setTraffic(TrafficWeights weights) {
        refuseIfAsked("setTraffic(" + weights + ")");
        if (look == Look.SINGLE_MODE_WITHOUT_TRAFFIC_CONTROL
                && !platform.traffic().weights().withoutZeros().equals(weights.withoutZeros())) {
            throw ProviderException.permanent(providerName(), "setTraffic(" + weights + ")", "the app is in Single "
                    + "revision mode, where weights cannot be set", null);
        }
        return view(platform.setTraffic(weights));
    }
}
