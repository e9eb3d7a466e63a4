package dev.ssjvm.service.server;

import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reload does to a running multi-user port: it applies what the config file changed, and
 * only that, on top of the port as it runs now. A user added, re-keyed or limited over the manager or
 * the HTTP API stays unless the config file changed that same user; the file is where an operator
 * says what changes, not a snapshot that undoes every change made at run time.
 */
final class ConfigChange {
    private ConfigChange() {}

    /**
     * @param live the port's settings as it runs (with run-time changes)
     * @param before the port as the previous config file had it
     * @param after the port as the new config file has it; must differ from {@code before} in users
     *     or limits only
     * @return the settings the port should run with
     */
    static PortSettings onto(PortSettings live, PortSettings before, PortSettings after) {
        Map<String, String> was = UserKey.byName(before.users());
        Map<String, String> now = UserKey.byName(after.users());
        Map<String, UserKey> users = new LinkedHashMap<>();
        live.users().forEach(u -> users.put(u.name(), u));
        was.keySet().stream().filter(name -> !now.containsKey(name)).forEach(users::remove);
        after.users().stream().filter(u -> !u.key().equals(was.get(u.name()))).forEach(u -> users.put(u.name(), u));
        return live.withUsers(new ArrayList<>(users.values())).withLimits(limits(live.limits(), before.limits(),
                after.limits(), users.keySet()));
    }

    private static PortLimits limits(PortLimits live, PortLimits before, PortLimits after, Set<String> users) {
        Limits port = before.port().equals(after.port()) ? live.port() : after.port();
        Map<String, Limits> byUser = new HashMap<>(live.users());
        Set<String> named = new TreeSet<>(before.users().keySet());
        named.addAll(after.users().keySet());
        for (String name : named) {
            if (!before.of(name).equals(after.of(name))) {
                byUser.put(name, after.of(name));
            }
        }
        byUser.keySet().retainAll(users);
        byUser.values().removeIf(Limits::isNone);
        return new PortLimits(port, byUser);
    }

    /** Whether {@code live} carries users the config file never had: a restart of the port drops them. */
    static List<String> runTimeUsers(PortSettings live, PortSettings before) {
        Map<String, String> was = before == null ? Map.of() : UserKey.byName(before.users());
        return live.users().stream().filter(u -> !u.key().equals(was.get(u.name()))).map(UserKey::name).toList();
    }
}
