package partnergraph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * A real Neo4j Community server for machines without Docker: the embedded engine from Maven
 * Central, which carries the same Bolt server as the packaged distribution.
 *
 * <p>Usage: {@code java -cp 'lib/*' partnergraph.Neo4jLocal HOME_DIR [PORT]}; the password of
 * user {@code neo4j} comes from NEO4J_PASSWORD (default {@code partnergraph}). Runs in the
 * foreground until SIGTERM/SIGINT. scripts/neo4j-local starts and stops it; it waits for the
 * {@link #READY} line on stdout, which is printed only once logins with the password work.
 */
public final class Neo4jLocal {
    /** Marker that scripts/neo4j-local greps for; keep the two in sync. */
    static final String READY = "NEO4J-LOCAL READY";

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Neo4jLocal HOME_DIR [PORT]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7687;
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "partnergraph");
        if (password.isEmpty()) {
            password = "partnergraph";
        }
        long pagecacheMb = Long.parseLong(System.getenv().getOrDefault("NEO4J_PAGECACHE_MB", "512"));

        // Only loopback: this is a developer/CI database with a well-known password.
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                // neo4j:// drivers reconnect to whatever the routing table advertises: make that
                // exactly the address we listen on (the default host is "localhost").
                .setConfig(BoltConnector.advertised_address, bolt)
                // No certificates here; drivers must use bolt:// or neo4j:// (not +s/+ssc).
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Let short test passwords through (the product default is 8 characters).
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                // After 3 bad logins Neo4j locks the user for 5 s, so a test of a wrong password
                // would make the next test's good login fail; no brute-forcing on loopback.
                .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                // debug.log/security.log would otherwise go to HOME/logs too, but say so explicitly:
                // everything this server writes stays under HOME.
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                // Neo4j preallocates 256 MB per transaction log and keeps two days of them: 0.5 GB
                // of disk per empty DBMS. A dev/test database needs neither.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "128M size")
                // The stores are already checkpointed and closed when Bolt shuts down last; its
                // two default 5 s grace periods only made `stop` (and test teardown) 10 s slower.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM from `neo4j-local stop`: flush and close the stores so the next start
            // does not have to run recovery.
            System.out.println("NEO4J-LOCAL shutting down");
            dbms.shutdown();
            System.out.println("NEO4J-LOCAL stopped");
            stopped.countDown();
        }, "neo4j-local-shutdown"));

        try {
            setPassword(dbms, password);
            // Bolt accepts connections before the default database is online; wait so that
            // "ready" means a query on `neo4j` succeeds.
            GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!neo4j.isAvailable(TimeUnit.SECONDS.toMillis(120))) {
                throw new IllegalStateException("database 'neo4j' did not come online");
            }
            neo4j.executeTransactionally("RETURN 1");
        } catch (Throwable e) {
            e.printStackTrace();
            System.out.println("NEO4J-LOCAL FAILED: " + e);
            System.exit(1); // runs the shutdown hook
        }
        System.out.println(READY + " bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * A fresh embedded DBMS creates user neo4j with password "neo4j" and change-required, which
     * no driver can use for queries. The embedded API talks to the system database without
     * authentication, so an administration command fixes it. Running it on every start makes
     * NEO4J_PASSWORD the single source of truth (Neo4j refuses setting the same password again,
     * which is the normal case after the first start).
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            System.out.println("NEO4J-LOCAL password of user neo4j set from NEO4J_PASSWORD");
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
            // Same password as before; but an older store might still demand a change.
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
    }
}
