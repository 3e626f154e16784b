import CFindBytes

/// Text that the keeper of a log replaced before storing it. Entire, which commits agents'
/// transcripts to a repository (`entire/checkpoints` refs), passes every string of a
/// transcript through its `redact` package first: each run of at least ten of
/// `A–Z a–z 0–9 / + _ = -` whose Shannon entropy is above 4.5 (an API key, a base64 hash, and
/// also a long test name such as `TestExplainCmd_ShowsHelpForPositionalArgWithoutFlag`), and
/// each secret a gitleaks rule finds, becomes the word `REDACTED`, in tool inputs, tool results
/// and file contents alike. Older versions split such runs at other characters (a
/// `sha512-…/…` hash seen as `REDACTED/0SlA9sxSqZhnUtxzX9/REDACTED`).
///
/// What was there is lost, so replay never takes the word for the file's bytes without saying
/// so: a recorded text that holds it agrees with a replayed one when each `REDACTED` stands for
/// a run of one or more characters without white space on the same line and the rest is equal
/// (`lineMatches`); an edit that writes the word leaves its step unverified. A file that holds
/// the word for its own reasons (a redactor's tests) is told apart from neither.
package enum Redaction {
    /// The word that stands for what was removed.
    package static let marker: [UInt8] = Array("REDACTED".utf8)

    /// Whether `bytes` hold the marker.
    package static func holds(_ bytes: [UInt8]) -> Bool {
        Bytes.contains(marker, in: bytes)
    }

    /// How many times `bytes` hold the marker.
    package static func count(in bytes: [UInt8]) -> Int {
        Bytes.occurrences(of: marker, in: bytes).count
    }

    /// Whether a recorded line that holds the marker agrees with a replayed line: each marker
    /// stands for one or more bytes other than a space, a tab, a carriage return or a newline,
    /// and every other byte is equal. False when the recorded line does not hold the marker
    /// (compare such lines byte for byte), or when telling would take too long (more than
    /// `searchLimit` steps: then it is a difference, never a match).
    package static func lineMatches(recorded: some Collection<UInt8>, replayed: some Collection<UInt8>) -> Bool {
        let pattern = Array(recorded)
        let pieces = split(pattern)
        guard pieces.count > 1 else { return false }
        var budget = searchLimit
        return matches(pieces, Array(replayed), budget: &budget)
    }

    /// Where a text that holds the marker (an edit's old text) occurs in `haystack`, each
    /// marker standing for one or more bytes without white space (as in `lineMatches`), the
    /// rest byte for byte; a marker that starts or ends the text stands for a whole run of the
    /// redactor's characters (`A–Z a–z 0–9 / + _ = -`), not part of one. Non-overlapping, left
    /// to right, the first match from each start. Nil when `needle` does not hold the marker or
    /// the search takes too long.
    package static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int = .max) -> [Range<Int>]? {
        let pieces = split(needle)
        guard pieces.count > 1 else { return nil }
        var budget = searchLimit
        var found: [Range<Int>] = []
        var from = 0
        let first = pieces[0]
        while found.count < limit, from <= haystack.count {
            // Candidates start where the first piece does (or anywhere, when it is empty).
            // Candidates start where the first piece does; when the needle starts with the
            // marker, where a run of the redactor's characters does.
            let starts: [Int]
            if first.isEmpty {
                starts = (from..<haystack.count).filter { isRun(haystack[$0]) && ($0 == 0 || !isRun(haystack[$0 - 1])) }
            } else {
                starts = candidates(first, in: haystack, from: from)
            }
            var matched: Range<Int>?
            for start in starts {
                if let end = matchPrefix(pieces, haystack, at: start + first.count, piece: 1, budget: &budget) {
                    matched = start..<end
                    break
                }
                if budget <= 0 { return nil }
            }
            guard let m = matched else { break }
            found.append(m)
            from = max(m.upperBound, m.lowerBound + 1)
        }
        return budget > 0 ? found : nil
    }

    /// Steps a match may take before it is given up.
    static let searchLimit = 100_000

    /// `bytes` split at each marker: n markers, n + 1 pieces.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        let at = Bytes.occurrences(of: marker, in: bytes)
        guard !at.isEmpty else { return [bytes] }
        var pieces: [[UInt8]] = []
        var start = 0
        for offset in at {
            pieces.append(Array(bytes[start..<offset]))
            start = offset + marker.count
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// A byte of the runs the redactor looks at: `A–Z a–z 0–9 / + _ = -`.
    static func isRun(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Every offset at or after `from` where `piece` starts, overlapping ones included.
    static func candidates(_ piece: [UInt8], in haystack: [UInt8], from: Int) -> [Int] {
        var out: [Int] = []
        guard !piece.isEmpty else { return out }
        haystack.withUnsafeBytes { h in
            piece.withUnsafeBytes { n in
                var at = from
                while at + n.count <= h.count {
                    guard let p = agentreplay_find_bytes(h.baseAddress! + at, h.count - at, n.baseAddress!, n.count) else { break }
                    let found = h.baseAddress!.distance(to: UnsafeRawPointer(p))
                    out.append(found)
                    at = found + 1
                }
            }
        }
        return out
    }

    /// Whether the whole of `text` is the pieces with a run of non-space bytes between each two.
    static func matches(_ pieces: [[UInt8]], _ text: [UInt8], budget: inout Int) -> Bool {
        guard text.count >= pieces[0].count, text[..<pieces[0].count].elementsEqual(pieces[0]) else { return false }
        guard let end = matchPrefix(pieces, text, at: pieces[0].count, piece: 1, budget: &budget, whole: true) else { return false }
        return end == text.count
    }

    /// Matches a run (one byte or more, no white space) and then `pieces[piece]`, and so on to
    /// the last piece, from `at`; the end of the match, or nil. With `whole`, the last piece
    /// must end the text.
    static func matchPrefix(
        _ pieces: [[UInt8]], _ text: [UInt8], at: Int, piece: Int, budget: inout Int, whole: Bool = false
    ) -> Int? {
        let literal = pieces[piece]
        let last = piece == pieces.count - 1
        if last && literal.isEmpty {
            // The text ends with the marker: the whole run from here, at least one byte.
            var end = at
            if whole {
                while end < text.count, !isSpace(text[end]) { end += 1 }
            } else {
                while end < text.count, isRun(text[end]) { end += 1 }
            }
            budget -= end - at
            return end > at && (!whole || end == text.count) ? end : nil
        }
        var gapEnd = at + 1  // the run is at least one byte
        while gapEnd <= text.count {
            budget -= 1
            if budget <= 0 { return nil }
            // The run may not hold white space.
            if isSpace(text[gapEnd - 1]) { return nil }
            if gapEnd + literal.count <= text.count, text[gapEnd..<(gapEnd + literal.count)].elementsEqual(literal) {
                let next = gapEnd + literal.count
                if last {
                    if !whole || next == text.count { return next }
                } else if let end = matchPrefix(pieces, text, at: next, piece: piece + 1, budget: &budget, whole: whole) {
                    return end
                }
            }
            gapEnd += 1
        }
        return nil
    }
}
