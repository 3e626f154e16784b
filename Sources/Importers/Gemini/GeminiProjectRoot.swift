import Trace

/// Finds the directory a Gemini CLI session worked in. A session file names it only by its
/// `projectHash`: the SHA-256 of the project root's absolute path, in lower-case hex
/// (`getProjectHash` in gemini-cli's `utils/paths.ts`: `config.getProjectRoot()`, which is
/// `path.resolve` of the directory gemini-cli started in). The root is the first of the
/// candidates (directories the session listed, every ancestor of the absolute paths its tool
/// calls named, then the folders their recorded results show: `folder`) whose hash is the
/// recorded one. A relative `file_path` is resolved against that directory
/// (`path.resolve(config.getTargetDir(), file_path)` in `write-file.ts`, `edit.ts`,
/// `read-file.ts`), whose results then give the absolute path
/// (`Successfully created and wrote to new file: /abs/path.`, `resultDisplay.filePath`).
enum GeminiProjectRoot {
    /// A tool span's attribute: the folder the session ran in, confirmed by the log's
    /// `projectHash`; set on every tool span when the importer found it.
    static let ranIn = "agentreplay.gemini.ran_in"
    /// A tool span's attribute on the call whose record showed that folder: `input` (an
    /// absolute path it named) or `output` (the absolute path its result gave).
    static let evidence = "agentreplay.gemini.ran_in.evidence"

    /// The first tool span's attribute: files, relative to that folder, whose first call shows
    /// they existed before the session touched them (a read, an edit of an existing file, an
    /// overwrite; at most `seenLimit`), for replay to tell which folder of the repository the
    /// folder is before it replays the first call.
    static let seen = "agentreplay.gemini.ran_in.seen"
    static let seenLimit = 64

    /// Whether a call's record shows the file it named existed before it: a `read_file` that
    /// succeeded, a `replace` that modified it, a `write_file` that overwrote it.
    static func seenBefore(tool: String, status: String?, output: JSON?) -> Bool {
        guard status == "success" else { return false }
        let text = output?.stringValue ?? ""
        switch tool {
        case "read_file": return true
        case "replace": return text.hasPrefix("Successfully modified file")
        case "write_file": return text.hasPrefix("Successfully overwrote file")
        default: return false
        }
    }

    /// The files of `named` whose first naming shows they existed, as paths relative to
    /// `folder` (absolute ones below it; relative ones with `.` dropped; none with `..`).
    static func seen(_ named: [(path: String, existed: Bool)], in folder: String) -> [String] {
        var first = Set<String>()
        var out: [String] = []
        for (path, existed) in named {
            var parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
            if path.hasPrefix("/") {
                let root = folder.split(separator: "/", omittingEmptySubsequences: true)
                guard parts.count > root.count, Array(parts.prefix(root.count)) == root else { continue }
                parts.removeFirst(root.count)
            }
            guard !parts.isEmpty, !parts.contains("..") else { continue }
            let relative = parts.joined(separator: "/")
            guard first.insert(relative).inserted else { continue }
            if existed, out.count < seenLimit { out.append(relative) }
        }
        return out
    }

    /// A place the project root may be read from.
    struct Candidate: Equatable {
        enum Source: String { case directories, input, output }
        var path: String
        /// The index of the tool span whose record gave it (nil: the session's `directories`).
        var span: Int?
        var source: Source
    }

    /// The root whose hash is `hash`, and the candidate it was found from.
    static func find(hash: String, candidates: [Candidate]) -> (root: String, from: Candidate)? {
        let wanted = hash.lowercased()
        var tried = Set<String>()
        for candidate in candidates where candidate.path.hasPrefix("/") {
            var parts = candidate.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            while true {
                let directory = "/" + parts.joined(separator: "/")
                if tried.insert(directory).inserted, sha256Hex(directory) == wanted { return (directory, candidate) }
                if parts.isEmpty { break }
                parts.removeLast()
            }
        }
        return nil
    }

    /// The folder a relative path was resolved against, from the absolute path a call's record
    /// gives for it: `recorded`, normalised, ends with the components of `relative` (`.`
    /// dropped; nil when it holds `..`), and the folder is what comes before them. nil when it
    /// does not end so.
    static func folder(relative: String, recorded: String) -> String? {
        guard recorded.hasPrefix("/"), !relative.hasPrefix("/") else { return nil }
        let tail = relative.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !tail.isEmpty, !tail.contains("..") else { return nil }
        let whole = recorded.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard whole.count > tail.count, !whole.contains(".."), Array(whole.suffix(tail.count)) == tail else { return nil }
        return "/" + whole.dropLast(tail.count).joined(separator: "/")
    }

    /// The absolute paths a call's record gives: `resultDisplay.filePath`, and those on the
    /// first line of its output (`Successfully created and wrote to new file: /a/b.txt.`,
    /// `Successfully overwrote file: …`, `Successfully modified file: …`), a trailing `.`,
    /// `,`, `:` or `;` dropped.
    static func recordedPaths(output: JSON?, display: JSON?) -> [String] {
        var out: [String] = []
        if let path = display?["filePath"]?.stringValue, path.hasPrefix("/") { out.append(path) }
        if let text = output?.stringValue {
            let line = text.prefix { $0 != "\n" }
            for word in line.split(separator: " ") where word.hasPrefix("/") {
                var w = Substring(word)
                while let last = w.last, ".,:;".contains(last) { w = w.dropLast() }
                if w.count > 1, !out.contains(String(w)) { out.append(String(w)) }
            }
        }
        return out
    }

    /// The project root a `.project_root` file names, in the project folder that holds the
    /// session's `chats/` folder: gemini-cli's project registry (`~/.gemini/projects.json`)
    /// names project folders by a short name rather than the hash, and writes the root there.
    static func marker(besideChatsOf path: String) -> String? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 2] == "chats" else { return nil }
        parts.removeLast(2)
        guard let reader = try? LineReader(path: parts.joined(separator: "/") + "/.project_root"),
            let line = try? reader.next()
        else { return nil }
        let text = String(decoding: line, as: UTF8.self).trimmingSpaces
        return text.hasPrefix("/") ? text : nil
    }

    /// SHA-256 (FIPS 180-4) of the UTF-8 bytes of `text`, as lower-case hex.
    static func sha256Hex(_ text: String) -> String {
        var h: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        var message = Array(text.utf8)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for i in (0..<8).reversed() { message.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: message.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] = UInt32(message[b]) << 24 | UInt32(message[b + 1]) << 16 | UInt32(message[b + 2]) << 8 | UInt32(message[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
        return h.map { word in
            let s = String(word, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

private extension String {
    var trimmingSpaces: String {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" || c == "\r" || c == "\n" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" || c == "\n" { s = s.dropLast() }
        return String(s)
    }
}
