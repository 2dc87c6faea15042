import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * A community Neo4j with Bolt on localhost, for nsgen's tests and local use.
 * Arguments: DATA_DIR PORT PASSWORD. Prints "ready PORT" once Bolt accepts connections and
 * stops cleanly on SIGTERM (the shutdown hook) or when its stdin closes (the parent died).
 */
public final class NsgenNeo4jServer {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: NsgenNeo4jServer DATA_DIR PORT PASSWORD");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String password = args[2];
    DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.initial_default_database, "neo4j")
        // A test database: a small page cache instead of half the machine's memory.
        .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
        .build();
    // Sets the password of the built-in user through the system database.
    service.database("system").executeTransactionally(
        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
        java.util.Map.of("password", password));
    service.database("neo4j").executeTransactionally("RETURN 1");
    Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown));
    System.out.println("ready " + port);
    System.out.flush();
    // Exit when the parent goes away: its end of our stdin closes.
    while (System.in.read() != -1) {
      // discard
    }
    System.exit(0);
  }
}
