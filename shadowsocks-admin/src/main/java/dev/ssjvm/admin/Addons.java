package dev.ssjvm.admin;

import dev.ssjvm.admin.api.ManagementApi;
import dev.ssjvm.admin.manager.ManagerController;
import dev.ssjvm.admin.manager.ManagerReporter;
import dev.ssjvm.admin.metrics.MetricsAddon;
import dev.ssjvm.admin.state.StateFile;
import java.util.List;

/** The admin services a server can run, in start order: one factory each, registered here only. */
final class Addons {
    // The state file comes first so restored counts and quotas are in place before anything reads them.
    static final List<AddonFactory> ALL = List.of(
            new StateFile.Factory(),
            ManagerController::start, // ssmanager: ss-manager commands on the manager address
            ManagerReporter::start, // ssserver: traffic reports to an external manager
            ManagementApi::start,
            MetricsAddon.FACTORY);

    private Addons() {}
}
