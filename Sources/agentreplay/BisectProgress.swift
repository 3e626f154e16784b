import Foundation

/// The progress line of `agentreplay bisect`: one line on standard error, rewritten in
/// place, and only when standard error is a terminal (never in a pipe, a file or CI logs).
struct BisectProgress {
    let enabled = isatty(2) == 1

    func show(_ text: String) {
        guard enabled else { return }
        var line = "agentreplay bisect: " + text
        if line.count > 100 { line = String(line.prefix(99)) + "…" }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
