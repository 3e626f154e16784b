import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the tests' own: Debian's programs (`/usr/lib/postgresql/*/bin`),
/// a cluster made by `initdb` in a temporary folder, listening only on a unix socket in that
/// folder (no TCP port to clash with), trusting local connections. The server refuses to run
/// as root, so as root (CI) its programs run as the `postgres` user Debian's package makes
/// (`runuser -u postgres --`). `stop` stops it at once and removes the folder.
public final class PostgresServer: @unchecked Sendable {
    /// The folder the cluster and its socket are in.
    public let directory: String
    public static let user = "agentreplay"
    private let bin: String
    private var databases = 0
    private var stopped = false

    /// Starts a server, or throws `TestGate.missingPostgres` (a skip unless
    /// `AGENTREPLAY_REQUIRE_POSTGRES` is set) when its programs are not installed.
    public static func start() throws -> PostgresServer {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard
            let bin = versions.compactMap({ Int($0) }).sorted().reversed().map({ "/usr/lib/postgresql/\($0)/bin" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0 + "/initdb") && FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl")
            })
        else { throw TestGate.missingPostgres("no /usr/lib/postgresql/*/bin/initdb") }
        var owner: (uid: uid_t, gid: gid_t)?
        if getuid() == 0 {
            guard let entry = getpwnam("postgres") else { throw TestGate.missingPostgres("running as root and there is no postgres user") }
            owner = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        // A short path: a unix socket's path is at most 107 bytes.
        var template = Array("/tmp/arpg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        if let owner { chown(directory, owner.uid, owner.gid) }
        let server = PostgresServer(directory: directory, bin: bin)
        do {
            try server.run(
                "initdb", ["-D", directory + "/data", "-U", user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
            try server.run(
                "pg_ctl",
                [
                    "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "120", "-o",
                    "-k \(directory) -c listen_addresses='' -c fsync=off -c max_connections=40", "start",
                ])
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(directory: String, bin: String) {
        self.directory = directory
        self.bin = bin
    }

    deinit { stop() }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs one of the server's programs, as the `postgres` user when this process is root.
    /// Spawned and waited for directly (`posix_spawn`, `waitpid`), its output in a file:
    /// Foundation's `Process` was seen to wait forever for a `runuser` that had exited.
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        var command = [bin + "/" + program] + arguments
        if getuid() == 0 { command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command }
        let output = NSTemporaryDirectory() + "/arpg-\(getpid())-\(UUID().uuidString).out"
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let environment: [String] = ["PATH=/usr/bin:/bin", "LANG=C"]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot start \(command[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: errno \(errno)") }
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw Failure(description: "\(program) ended with status \(status): \(text)\n\(log)")
        }
        return text
    }

    /// A new, empty database (`createdb`, UTF8) and the URL that names it.
    public func database(_ label: String = "t") throws -> String {
        databases += 1
        let name = "\(label)_\(databases)"
        try run("createdb", ["-h", directory, "-U", Self.user, "-E", "UTF8", "-T", "template0", name])
        return url(name)
    }

    /// The URL of database `name` on this server: its socket folder as the host.
    public func url(_ name: String) -> String {
        "postgresql:///\(name)?host=\(directory)&user=\(Self.user)"
    }

    /// Runs `sql` on database `name` with `psql` (no rows printed but what it selects, unaligned).
    @discardableResult
    public func psql(_ name: String, _ sql: String) throws -> String {
        try run("psql", ["-h", directory, "-U", Self.user, "-d", name, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`) and removes its folder.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") {
            _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// One server for a test class: started by the first test that asks (`server()`), stopped by
/// the class's `tearDown` (`stop()`); a start that failed (a skip, or a failure) is given to
/// every test that asks.
public final class PostgresServerSlot: @unchecked Sendable {
    private var started: Result<PostgresServer, any Error>?

    public init() {}

    public func server() throws -> PostgresServer {
        if started == nil { started = Result { try PostgresServer.start() } }
        return try started!.get()
    }

    public func stop() {
        if case let .success(server) = started { server.stop() }
        started = nil
    }
}
