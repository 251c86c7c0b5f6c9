package dev.logtocp.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * An in-memory stand-in for Logto's Management API and its client-credentials token endpoint, with injectable
 * faults and an account of every mutation it applied. Optionally it has a limited capacity like a real server
 * ({@link CapacityModel}) and keeps its state in a directory so that it can be killed and started again
 * ({@link SimulatorConfig#stateDir}).
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
    private final CapacityHandler capacity;
    private final StateDirectory stateDirectory;

    private LogtoSimulator(
            SimulatorConfig config,
            Vertx vertx,
            HttpServer server,
            Store store,
            FaultPlan faults,
            CapacityHandler capacity,
            StateDirectory stateDirectory) {
        this.config = config;
        this.vertx = vertx;
        this.server = server;
        this.store = store;
        this.faults = faults;
        this.state = new SimulatorState(store);
        this.capacity = capacity;
        this.stateDirectory = stateDirectory;
    }

    /** Starts the server and returns once it listens. Call from a non-event-loop thread. */
    public static LogtoSimulator start(SimulatorConfig config) {
        // One event loop: every handler runs on the same thread, which is what keeps the plain maps consistent.
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        Clock clock = Clock.systemUTC();
        Store store = new Store(clock);
        FaultPlan faults = new FaultPlan();
        StateDirectory stateDirectory = null;
        try {
            TokenRegistry tokens;
            if (config.stateDir() == null) {
                tokens = TokenRegistry.withRandomKey(clock, config.tokenLifetime());
            } else {
                stateDirectory = StateDirectory.open(config.stateDir());
                store.attach(stateDirectory);
                tokens = new TokenRegistry(clock, config.tokenLifetime(), stateDirectory.tokenKey());
            }
            CapacityHandler capacity = new CapacityHandler(vertx, vertx.getOrCreateContext(), config.capacity());
            Router router = Router.router(vertx);
            router.route()
                    .handler(BodyHandler.create()
                            .setBodyLimit(1 << 20)
                            .setHandleFileUploads(false)
                            .setDeleteUploadedFilesOnEnd(true));
            new AdminRoutes(faults, store, capacity).mount(router);
            if (stateDirectory != null) {
                // Changes reach the state directory before their answer leaves (also when the answer is withheld).
                Runnable flush = store::flush;
                router.route("/api/*").handler(ctx -> {
                    ctx.put(Http.BEFORE_ANSWER, flush);
                    ctx.next();
                });
            }
            FaultHandler faultHandler = new FaultHandler(vertx, faults, store);
            router.route("/oidc/*").handler(faultHandler);
            router.route("/api/*").handler(faultHandler);
            // The token endpoint reads the database too; authentication is checked before any query, as Logto does.
            router.post("/oidc/token").handler(capacity);
            router.post("/oidc/token").handler(new TokenEndpoint(config, tokens));
            router.route("/api/*").handler(new AuthHandler(tokens));
            router.route("/api/*").handler(capacity);
            new UserRoutes(store).mount(router);
            new RoleRoutes(store).mount(router);
            new OrganizationRoutes(store).mount(router);
            new PasswordExpirationRoutes(store).mount(router);
            // Logto's router answers unknown API paths with a plain-text 404.
            router.route("/api/*").handler(ctx -> Http.send(ctx, Reply.of(404, "Not Found")));
            Future<HttpServer> listening = vertx.createHttpServer(new HttpServerOptions()
                            .setHost(config.host())
                            .setPort(config.port())
                            .setTcpNoDelay(true))
                    .requestHandler(router)
                    .listen(config.port(), config.host());
            HttpServer server =
                    listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new LogtoSimulator(config, vertx, server, store, faults, capacity, stateDirectory);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(vertx, stateDirectory);
            throw new IllegalStateException("interrupted while starting the Logto simulator", e);
        } catch (ExecutionException | TimeoutException e) {
            abandon(vertx, stateDirectory);
            throw new IllegalStateException(
                    "Logto simulator failed to listen on " + config.host() + ":" + config.port(), e);
        } catch (RuntimeException e) {
            abandon(vertx, stateDirectory);
            throw new IllegalStateException("Logto simulator failed to start: " + e.getMessage(), e);
        }
    }

    private static void abandon(Vertx vertx, StateDirectory stateDirectory) {
        vertx.close();
        if (stateDirectory != null) {
            stateDirectory.close();
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

    /**
     * Limits how much work the simulator does at once ({@code null}: no limit). Takes effect for requests and waits
     * that start from now on; removing the limit lets waiting requests through at once. Not from an event loop.
     */
    public void setCapacity(CapacityModel model) {
        capacity.set(model);
    }

    /** The capacity model in force, or empty when there is no limit (the default). */
    public Optional<CapacityModel> capacity() {
        return capacity.model();
    }

    /**
     * Counters of the capacity model as {@code GET /__admin/capacity} shows them: {@code admitted}, {@code rejected}
     * (answered 500 after waiting for a connection), connections in use, waiting requests and their peaks.
     */
    public JsonObject capacityStats() {
        return capacity.statsFromAnyThread();
    }

    /** Test set-up: a role of type {@code User} (not recorded as a mutation). Returns its id. */
    public String createRole(String name) {
        return fixture(
                () -> store.createRole(name, name, "User", false, null, false).getString("id"));
    }

    /** Test set-up: a role of type {@code MachineToMachine}, which Logto refuses to assign to users. */
    public String createMachineToMachineRole(String name) {
        return fixture(() -> store.createRole(name, name, "MachineToMachine", false, null, false)
                .getString("id"));
    }

    /**
     * Test set-up: what a user's sign-in to a first-party application leaves in Logto (a session and its grant; Logto
     * cannot create sessions over its Management API). Returns the session's uid, the id Logto's session routes take.
     */
    public String createSession(String userId) {
        return signIn(userId, "seeded-first-party-app", false).sessionUid();
    }

    /** Test set-up: a sign-in of an existing user to the given application; a third-party one if {@code thirdParty}. */
    public SeededSignIn signIn(String userId, String applicationId, boolean thirdParty) {
        return fixture(() -> store.seedSignIn(userId, applicationId, thirdParty));
    }

    /** Test set-up: a first-party application grant that no live session names (its session ended). */
    public String createGrant(String userId, String applicationId) {
        return fixture(() -> store.seedGrant(userId, applicationId, false));
    }

    /** Test set-up: an application grant with no live session, of a third-party application if {@code thirdParty}. */
    public String createGrant(String userId, String applicationId, boolean thirdParty) {
        return fixture(() -> store.seedGrant(userId, applicationId, thirdParty));
    }

    /** Test set-up: an MFA verification of the given type (e.g. {@code Totp}) of an existing user. */
    public String createMfaVerification(String userId, String type) {
        return fixture(() -> store.addMfa(userId, type, null, false));
    }

    /** Runs a set-up change and writes it to the state directory, if there is one, before returning. */
    private <T> T fixture(Supplier<T> change) {
        T result = change.get();
        store.flush();
        return result;
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
        return store.organizations
                .createRole(name, null, "MachineToMachine", null, false)
                .getString("id");
    }

    /**
     * Turns the sign-in experience's password expiration policy on or off (off by default, as in a fresh Logto,
     * where {@code PATCH /password/expiration} refuses {@code isExpired: true}).
     */
    public void setPasswordExpirationEnabled(boolean enabled) {
        store.setPasswordExpirationEnabled(enabled);
    }

    /**
     * Stops the server; held (ambiguous-timeout) connections are dropped. With a state directory, a last snapshot is
     * written and the directory is released. Blocks; not from an event loop.
     */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Logto simulator did not stop cleanly", e);
        } finally {
            if (stateDirectory != null) {
                try {
                    store.detach();
                } finally {
                    stateDirectory.close();
                }
            }
        }
    }
}
