import CGit2

/// The name of a git object: 20 raw SHA-1 bytes (libgit2's `git_oid`).
///
/// Ordered by its bytes, so sorting ids sorts them like their hex strings.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    // The 20 bytes, big-endian, in three words: cheap to hash, compare and copy.
    private let high: UInt64
    private let middle: UInt64
    private let low: UInt32

    /// The id of the tree with no entries, `4b825dc642cb6eb9a060e54bf8d69288fbee4904`.
    /// libgit2 (like git) can read it even when no object database holds it.
    public static let emptyTree = ObjectID(hex: "4b825dc642cb6eb9a060e54bf8d69288fbee4904")!

    /// Creates an id from exactly 20 bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        var words = (UInt64(0), UInt64(0), UInt32(0))
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 0..<8: words.0 = words.0 << 8 | UInt64(byte)
            case 8..<16: words.1 = words.1 << 8 | UInt64(byte)
            default: words.2 = words.2 << 8 | UInt32(byte)
            }
        }
        (high, middle, low) = words
    }

    /// Parses 40 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 40 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        for pair in stride(from: 0, to: 40, by: 2) {
            guard let hi = Self.nibble(digits[pair]), let lo = Self.nibble(digits[pair + 1]) else {
                return nil
            }
            bytes.append(hi << 4 | lo)
        }
        self.init(bytes: bytes)
    }

    /// Appends the 20 raw bytes to `out` (no array of their own).
    func append(to out: inout [UInt8]) {
        var words = (high.bigEndian, middle.bigEndian, low.bigEndian)
        withUnsafeBytes(of: &words) { raw in
            // The tuple's three words lie at offsets 0, 8 and 16 (no padding before `low`).
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<20]))
        }
    }

    /// The 20 raw bytes.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(20)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: middle >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt32(shift))) }
        return out
    }

    /// 40 lowercase hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: - git_oid bridging (internal)

extension ObjectID {
    /// Copies a libgit2 `git_oid` (20 bytes in 1.5).
    init(_ oid: git_oid) {
        self = withUnsafeBytes(of: oid.id) { ObjectID(bytes: $0)! }
    }

    /// Copies the id a libgit2 pointer points to.
    init(_ oid: UnsafePointer<git_oid>) {
        self.init(oid.pointee)
    }

    /// The libgit2 `git_oid` for this id.
    var oid: git_oid {
        var oid = git_oid()
        let bytes = self.bytes
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.copyBytes(from: bytes)
        }
        return oid
    }
}
