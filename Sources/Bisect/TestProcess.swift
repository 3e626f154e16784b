#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of the test command: `/bin/sh -c COMMAND` started with `posix_spawn` in its own
/// process group (`POSIX_SPAWN_SETPGROUP`, group id = its pid), so that everything it starts
/// can be killed at once, in the worktree (`posix_spawn_file_actions_addchdir_np`), with
/// standard input from `/dev/null`, standard output and error into one file, the signal mask
/// cleared and every signal's disposition reset to the default.
///
/// Descriptor 3 of the test is the write end of a pipe whose other end the runner polls: it
/// reads end-of-file the moment the test and everything it started have exited, so a quick
/// test is noticed at once, with no SIGCHLD handler. Nothing else of bisect's is inherited.
final class TestProcess {
    /// The shell's pid, which is also the process group's id.
    let pid: pid_t
    let started: UInt64
    private(set) var status: Int32?
    private(set) var timedOut = false
    private(set) var finished: UInt64?
    private var termSent: UInt64?
    /// The read end of the exit pipe, -1 once it reached end-of-file (or was closed).
    private(set) var exitPipe: Int32

    private init(pid: pid_t, exitPipe: Int32) {
        self.pid = pid
        self.exitPipe = exitPipe
        self.started = POSIX.now()
    }

    deinit {
        if exitPipe >= 0 { close(exitPipe) }
    }

    /// Reads the exit pipe after `poll` said it is readable; closes it at end-of-file.
    func drainExitPipe() {
        guard exitPipe >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(exitPipe, &buffer, buffer.count)
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
            close(exitPipe)
            exitPipe = -1
        }
    }

    static func spawn(command: String, directory: String, environment: [String], output: String) throws -> TestProcess {
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
        defer { posix_spawnattr_destroy(&attributes) }
        try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
        defer { posix_spawn_file_actions_destroy(&actions) }

        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "posix_spawnattr_setflags")
        try check(posix_spawnattr_setpgroup(&attributes, 0), "posix_spawnattr_setpgroup")
        var none = sigset_t()
        sigemptyset(&none)
        try check(posix_spawnattr_setsigmask(&attributes, &none), "posix_spawnattr_setsigmask")
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, number)
        }
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "posix_spawnattr_setsigdefault")

        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "posix_spawn_file_actions_addopen")
        try check(posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644), "posix_spawn_file_actions_addopen")
        try check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "posix_spawn_file_actions_adddup2")
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw BisectError.system("pipe: \(POSIX.error())") }
        defer { close(ends[1]) }
        var readEndOwned = true
        defer { if readEndOwned { close(ends[0]) } }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        try check(posix_spawn_file_actions_adddup2(&actions, ends[1], 3), "posix_spawn_file_actions_adddup2")
        // Nothing else of ours may leak into the test: an inherited descriptor keeps pipes
        // and sockets open for as long as the test's slowest child lives (a parent waiting
        // for EOF on one would wait for it).
        if let closeFrom = Self.closeFrom {
            try check(closeFrom(&actions, 4), "posix_spawn_file_actions_addclosefrom_np")
        } else {
            for fd in Self.openDescriptors() where fd > 3 {
                try check(posix_spawn_file_actions_addclose(&actions, fd), "posix_spawn_file_actions_addclose")
            }
        }
        var pid: pid_t = 0
        func spawn() -> Int32 {
            POSIX.withCStrings(["/bin/sh", "-c", command]) { argv in
                POSIX.withCStrings(environment) { envp in
                    posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
                }
            }
        }
        let rc: Int32
        if let addChdir = Self.addChdir {
            try check(addChdir(&actions, directory), "posix_spawn_file_actions_addchdir_np")
            rc = spawn()
        } else {
            // No addchdir_np in this C library: change the parent's directory around the
            // spawn (bisect starts its tests from one thread).
            let saved = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard saved >= 0 else { throw BisectError.system("open .: \(POSIX.error())") }
            defer { close(saved) }
            guard chdir(directory) == 0 else { throw BisectError.system("chdir \(directory): \(POSIX.error())") }
            rc = spawn()
            _ = fchdir(saved)
        }
        try check(rc, "posix_spawn /bin/sh")
        readEndOwned = false
        return TestProcess(pid: pid, exitPipe: ends[0])
    }

    /// The descriptors open in this process (`/proc/self/fd`, else `/dev/fd`), less the one
    /// used to list them.
    private static func openDescriptors() -> [Int32] {
        for folder in ["/proc/self/fd", "/dev/fd"] {
            guard let directory = opendir(folder) else { continue }
            defer { closedir(directory) }
            let own = dirfd(directory)
            var out: [Int32] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let fd = Int32(name), fd != own { out.append(fd) }
            }
            return out
        }
        return []
    }

    #if os(Linux)
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), found as
    /// `addchdir_np` is.
    private static let closeFrom: CloseFrom? = {
        guard let handle = dlopen(nil, RTLD_NOW),
            let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which its headers
    /// only declare for `_GNU_SOURCE`, so Swift does not see it: found with `dlsym`.
    private static let addChdir: AddChdir? = {
        guard let handle = dlopen(nil, RTLD_NOW),
            let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
    #else
    private static let closeFrom: ((UnsafeMutablePointer<posix_spawn_file_actions_t?>, Int32) -> Int32)? = nil
    private static let addChdir: ((UnsafeMutablePointer<posix_spawn_file_actions_t?>, UnsafePointer<CChar>) -> Int32)? = nil
    #endif

    /// Reaps the shell if it has exited (`waitpid` with `WNOHANG`); when it has, whatever it
    /// left behind in its process group is killed.
    func poll() -> Bool {
        if status != nil { return true }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        if rc == pid {
            status = POSIX.exitStatus(raw)
            finished = POSIX.now()
            kill(-pid, SIGKILL)
            return true
        }
        if rc < 0 && errno == ECHILD {
            status = 128 + SIGKILL
            finished = POSIX.now()
            return true
        }
        return false
    }

    /// Past the deadline: SIGTERM to the whole group, then SIGKILL after `grace` seconds.
    func enforce(deadline: UInt64?, grace: UInt64, now: UInt64) {
        guard status == nil else { return }
        if let termSent {
            if now >= termSent + grace { kill(-pid, SIGKILL) }
        } else if let deadline, now >= deadline {
            timedOut = true
            stop(now: now)
        }
    }

    /// Asks the whole group to stop (SIGTERM); `enforce` follows up with SIGKILL.
    func stop(now: UInt64) {
        guard status == nil, termSent == nil else { return }
        termSent = now
        kill(-pid, SIGTERM)
    }

    /// Kills the whole group at once (SIGKILL) and reaps the shell.
    func killNow() {
        guard status == nil else { return }
        kill(-pid, SIGKILL)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        status = POSIX.exitStatus(raw)
        finished = POSIX.now()
    }

    var milliseconds: Int {
        Int(((finished ?? POSIX.now()) - started) / 1_000_000)
    }

    private static func check(_ rc: Int32, _ function: String) throws {
        if rc != 0 { throw BisectError.system("\(function): \(POSIX.error(rc))") }
    }
}
