#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// The range of the first occurrence of `needle`, its UTF-8 bytes compared exactly (no
    /// Unicode equivalence), found with `memchr` and `memcmp`: Foundation's `range(of:)`
    /// goes through CFString on Linux, a hundred times slower on a tool's output.
    @inlinable
    public func firstUTF8Range(of needle: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return startIndex..<startIndex }
        func search(_ hay: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let base = hay.baseAddress, hay.count >= pattern.count else { return nil }
            var at = 0
            let last = hay.count - pattern.count
            while at <= last, let hit = memchr(base + at, Int32(first), last - at + 1) {
                let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                if pattern.withUnsafeBytes({ memcmp(base + offset, $0.baseAddress!, pattern.count) }) == 0 { return offset }
                at = offset + 1
            }
            return nil
        }
        let found = utf8.withContiguousStorageIfAvailable(search) ?? Array(utf8).withUnsafeBufferPointer(search)
        guard let offset = found else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: pattern.count)
    }
}

extension StringProtocol {
    /// `hasPrefix(prefix)`, the bytes compared first where they decide it (`prefixByBytes`),
    /// the characters otherwise: a patch's lines against its `*** Update File: ` markers.
    /// Only for a prefix of ASCII characters none of which another character is canonically
    /// equivalent to (all but `K`, `;` and `` ` ``), which is not looked at again each call:
    /// `prefixByBytes` checks it.
    @inlinable
    public func hasPrefixBytesFirst(_ prefix: String) -> Bool {
        prefixByBytes(prefix, plain: true) ?? hasPrefix(prefix)
    }

    /// `hasPrefix(prefix)` when the bytes decide it, else nil (the characters must be compared).
    /// Only for a prefix of ASCII bytes (any other may end in a character that joins the next).
    /// The bytes matching and the byte after them ASCII (or none): yes, as no ASCII character
    /// joins the one before it (but a newline after a carriage return, so a prefix ending in
    /// one is left to the characters). The bytes differing: no, unless the prefix holds `K`,
    /// `;` or `` ` ``, the ASCII characters another character is canonically equivalent to.
    /// A multi-byte character after matching bytes may be a combining mark that makes the
    /// prefix's last character another: left to the characters.
    @inlinable
    public func prefixByBytes(_ prefix: String) -> Bool? {
        prefixByBytes(prefix, plain: false)
    }

    /// `prefixByBytes`; `plain`: the caller knows the prefix is ASCII without `K`, `;`, `` ` ``.
    @inlinable
    func prefixByBytes(_ prefix: String, plain: Bool) -> Bool? {
        var prefix = prefix
        let known: Bool?? = prefix.withUTF8 { p in
            utf8.withContiguousStorageIfAvailable { s -> Bool? in
                guard !p.isEmpty else { return true }
                var equivalent = false
                if !plain {
                    for byte in p {
                        if byte >= 0x80 { return nil }
                        if byte == UInt8(ascii: "K") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "`") { equivalent = true }
                    }
                }
                guard s.count >= p.count, memcmp(s.baseAddress!, p.baseAddress!, p.count) == 0 else { return equivalent ? nil : false }
                if s.count == p.count { return true }
                return s[p.count] < 0x80 && p[p.count - 1] != 0x0D ? true : nil
            }
        }
        return known ?? nil
    }
}

extension String {
    /// What follows `prefix` when the string starts with it as characters (`hasPrefix`), else
    /// nil: cut at the prefix's bytes when they decide it (`prefixByBytes`), else after as
    /// many characters as the prefix has.
    public func droppingPrefix(_ prefix: String) -> Substring? {
        switch prefixByBytes(prefix) {
        case true?: return self[utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)...]
        case false?: return nil
        case nil: return hasPrefix(prefix) ? dropFirst(prefix.count) : nil
        }
    }
}

extension String {
    /// The lines of the string exactly as `split(separator: "\n", omittingEmptySubsequences:)`
    /// gives them, found by a byte scan rather than by characters: a newline splits unless a
    /// carriage return comes right before it (`"\r\n"` is one character, not a separator), and
    /// either side of a lone newline is a character boundary. A patch's lines this way cost a
    /// fraction of the character split (a tenth of a Codex log's indexing went to it).
    public func splitLines(omittingEmptySubsequences: Bool = true) -> [Substring] {
        scanLines(omittingEmpty: omittingEmptySubsequences, startingWith: nil)
            ?? split(separator: "\n", omittingEmptySubsequences: omittingEmptySubsequences)
    }

    /// The lines `splitLines()` gives that start with the byte `first` (a patch's marker
    /// lines, `*`): the same scan, no slice made for the other lines.
    public func splitLines(startingWith first: UInt8) -> [Substring] {
        scanLines(omittingEmpty: true, startingWith: first) ?? splitLines().filter { $0.utf8.first == first }
    }

    /// The byte scan of `splitLines`, keeping only lines that start with `first` when given;
    /// nil when the string has no contiguous UTF-8.
    private func scanLines(omittingEmpty: Bool, startingWith first: UInt8?) -> [Substring]? {
        utf8.withContiguousStorageIfAvailable { bytes -> [Substring] in
            var lines: [Substring] = []
            guard let base = bytes.baseAddress else { return omittingEmpty ? [] : [self[...]] }
            var lineStart = 0, at = 0
            func add(_ end: Int) {
                guard !omittingEmpty || end > lineStart else { return }
                if let first, end == lineStart || bytes[lineStart] != first { return }
                let lower = utf8.index(utf8.startIndex, offsetBy: lineStart)
                lines.append(self[lower..<utf8.index(lower, offsetBy: end - lineStart)])
            }
            while at < bytes.count, let hit = memchr(base + at, 0x0A, bytes.count - at) {
                let i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                at = i + 1
                if i > 0, bytes[i - 1] == 0x0D { continue }
                add(i)
                lineStart = i + 1
            }
            add(bytes.count)
            return lines
        }
    }
}
