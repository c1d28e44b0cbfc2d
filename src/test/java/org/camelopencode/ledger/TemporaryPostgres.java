package org.camelopencode.ledger;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server from the machine's own binaries ({@code /usr/lib/postgresql/<v>/bin},
 * Debian's packages): {@code initdb} into a temporary folder, {@code pg_ctl start} on a free port of
 * {@code 127.0.0.1} with trust authentication, stopped and deleted by {@link #close()}. PostgreSQL refuses
 * to run as root, so as root the commands run as the {@code postgres} user.
 */
public final class TemporaryPostgres implements AutoCloseable {

    private static final String USER = "opencode";

    private final Path bin;
    private final Path folder;
    private final int port;

    private TemporaryPostgres(Path bin, Path folder, int port) {
        this.bin = bin;
        this.folder = folder;
        this.port = port;
    }

    /** @return the folder with {@code initdb} and {@code pg_ctl} of the newest installed PostgreSQL, if any */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin")).filter(folder -> Files.isExecutable(folder.resolve("initdb")))
                    .max(Comparator.comparing(folder -> Integer.parseInt(folder.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Starts a server from the newest installed binaries, or skips the calling test class (JUnit assumption, reported in
     * the build output) when PostgreSQL is not installed.
     *
     * @return a started server
     * @throws Exception when it cannot be initialised or started (with the command's output)
     */
    public static TemporaryPostgres startOrSkip() throws Exception {
        Path bin = binaries().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(bin != null,
                "PostgreSQL is not installed here (no /usr/lib/postgresql/<v>/bin/initdb)");
        return start(bin);
    }

    /**
     * @param bin the PostgreSQL binaries
     * @return a started server
     * @throws Exception when it cannot be initialised or started (with the command's output)
     */
    public static TemporaryPostgres start(Path bin) throws Exception {
        Path folder = Files.createTempDirectory("ledger-postgres-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        if (isRoot()) {
            UserPrincipal postgres = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(folder, postgres);
        }
        TemporaryPostgres server = new TemporaryPostgres(bin, folder, port);
        server.run(bin.resolve("initdb").toString(), "-D", folder.resolve("data").toString(), "-A", "trust", "-U", USER, "-E", "UTF8");
        server.run(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-l", folder.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + folder + " -c listen_addresses=127.0.0.1", "-w", "-t", "60", "start");
        return server;
    }

    /**
     * @param database a new database to create
     * @return its JDBC URL
     * @throws SQLException when it cannot be created
     */
    public String createDatabase(String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        return url(database);
    }

    /** @return the user that owns every database */
    public String user() {
        return USER;
    }

    /**
     * @param database a database of this server (created or {@code postgres})
     * @return its JDBC URL, {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
     */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws Exception {
        try {
            run(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private void run(String... command) throws Exception {
        List<String> line = new ArrayList<>();
        if (isRoot()) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        Path output = Files.createTempFile("postgres-command-", ".log");
        Process process = new ProcessBuilder(line).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(90, TimeUnit.SECONDS);
        if (!finished || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", line) + " failed: " + Files.readString(output));
        }
        Files.deleteIfExists(output);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * One server per test class: {@code @RegisterExtension static final TemporaryPostgres.PerClass POSTGRES = new
     * TemporaryPostgres.PerClass();} starts it before the class ({@link #startOrSkip()}: skipped, visibly, where no
     * PostgreSQL can be had) and stops it after.
     */
    static final class PerClass implements org.junit.jupiter.api.extension.BeforeAllCallback,
            org.junit.jupiter.api.extension.AfterAllCallback {
        private TemporaryPostgres server;

        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            server = startOrSkip();
        }

        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            if (server != null) {
                server.close();
            }
        }

        /** @return the running server */
        TemporaryPostgres server() {
            return server;
        }
    }
}
