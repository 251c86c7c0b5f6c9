package dev.logtocp.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-memory stand-in for Logto's Management API and its client-credentials token endpoint, with injectable
 * faults and an account of every mutation it applied.
 *
 * <p>Threading: the HTTP server runs on its own Vert.x instance with exactly one event loop, so all requests are
 * handled one after another and the state needs no finer-grained locking. {@link #start} and {@link #close} block
 * and must be called from a thread that is not a Vert.x event loop. All other methods are thread-safe.
 */
public final class LogtoSimulator implements AutoCloseable {

  private final SimulatorConfig config;
  private final Vertx vertx;
  private final HttpServer server;
  private final Store store;
  private final FaultPlan faults;
  private final SimulatorState state;

  private LogtoSimulator(SimulatorConfig config, Vertx vertx, HttpServer server, Store store, FaultPlan faults) {
    this.config = config;
    this.vertx = vertx;
    this.server = server;
    this.store = store;
    this.faults = faults;
    this.state = new SimulatorState(store);
  }

  /** Starts the server and returns once it listens. Call from a non-event-loop thread. */
  public static LogtoSimulator start(SimulatorConfig config) {
    // One event loop: every handler runs on the same thread, which is what keeps the plain maps consistent.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    Clock clock = Clock.systemUTC();
    Store store = new Store(clock);
    FaultPlan faults = new FaultPlan();
    TokenRegistry tokens = new TokenRegistry(clock, config.tokenLifetime());
    try {
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create().setBodyLimit(1 << 20).setHandleFileUploads(false)
          .setDeleteUploadedFilesOnEnd(true));
      new AdminRoutes(faults, store).mount(router);
      FaultHandler faultHandler = new FaultHandler(vertx, faults, store);
      router.route("/oidc/*").handler(faultHandler);
      router.route("/api/*").handler(faultHandler);
      router.post("/oidc/token").handler(new TokenEndpoint(config, tokens));
      router.route("/api/*").handler(new AuthHandler(tokens));
      new UserRoutes(store).mount(router);
      new RoleRoutes(store).mount(router);
      new OrganizationRoutes(store).mount(router);
      new PasswordExpirationRoutes(store).mount(router);
      // Logto's router answers unknown API paths with a plain-text 404.
      router.route("/api/*").handler(ctx -> Http.send(ctx, Reply.of(404, "Not Found")));
      Future<HttpServer> listening = vertx.createHttpServer(new HttpServerOptions().setHost(config.host())
              .setPort(config.port()).setTcpNoDelay(true))
          .requestHandler(router)
          .listen(config.port(), config.host());
      HttpServer server = listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new LogtoSimulator(config, vertx, server, store, faults);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted while starting the Logto simulator", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      vertx.close();
      throw new IllegalStateException("Logto simulator failed to listen on " + config.host() + ":" + config.port(), e);
    }
  }

  public String endpoint() {
    return "http://" + config.host() + ":" + port();
  }

  public int port() {
    return server.actualPort();
  }

  public String appId() {
    return config.appId();
  }

  public String appSecret() {
    return config.appSecret();
  }

  public String resource() {
    return config.resource();
  }

  public SimulatorState state() {
    return state;
  }

  public FaultPlan faults() {
    return faults;
  }

  /** Test set-up: a role of type {@code User} (not recorded as a mutation). Returns its id. */
  public String createRole(String name) {
    return store.createRole(name, name, "User", false, null, false).getString("id");
  }

  /** Test set-up: a role of type {@code MachineToMachine}, which Logto refuses to assign to users. */
  public String createMachineToMachineRole(String name) {
    return store.createRole(name, name, "MachineToMachine", false, null, false).getString("id");
  }

  /** Test set-up: a sign-in session of an existing user (Logto cannot create one over its API). */
  public String createSession(String userId) {
    return store.seedSession(userId);
  }

  /** Test set-up: a first-party application grant of an existing user. */
  public String createGrant(String userId, String applicationId) {
    return store.seedGrant(userId, applicationId);
  }

  /** Test set-up: an MFA verification of the given type (e.g. {@code Totp}) of an existing user. */
  public String createMfaVerification(String userId, String type) {
    return store.addMfa(userId, type, null, false);
  }

  /** Test set-up: an organization (not recorded as a mutation). Returns its id. */
  public String createOrganization(String name) {
    return store.organizations.createOrganization(name, null, null, false).getString("id");
  }

  /** Test set-up: an organization role of type {@code User}. Returns its id. */
  public String createOrganizationRole(String name) {
    return store.organizations.createRole(name, null, "User", null, false).getString("id");
  }

  /** Test set-up: an organization role of type {@code MachineToMachine}, which Logto refuses to give users. */
  public String createMachineToMachineOrganizationRole(String name) {
    return store.organizations.createRole(name, null, "MachineToMachine", null, false).getString("id");
  }

  /**
   * Turns the sign-in experience's password expiration policy on or off (off by default, as in a fresh Logto,
   * where {@code PATCH /password/expiration} refuses {@code isExpired: true}).
   */
  public void setPasswordExpirationEnabled(boolean enabled) {
    store.setPasswordExpirationEnabled(enabled);
  }

  /** Stops the server; held (ambiguous-timeout) connections are dropped. Blocks; not from an event loop. */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Logto simulator did not stop cleanly", e);
    }
  }
}
