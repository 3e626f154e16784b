#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Span attributes: names to JSON values, always kept sorted by name (byte order), so that
/// writing them never depends on insertion or hash order.
public struct Attributes: Sendable, Equatable, Sequence {
    public private(set) var members: [(String, JSON)] = []

    public init() {}

    public init(_ pairs: [(String, JSON)]) {
        members.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Members already in byte order of their names, each name once (the caller checked).
    init(sortedMembers: [(String, JSON)]) {
        members = sortedMembers
    }

    public subscript(name: String) -> JSON? {
        get {
            let (i, found) = position(name)
            return found ? members[i].1 : nil
        }
        set {
            let (i, present) = position(name)
            switch (present, newValue) {
            case (true, let value?): members[i].1 = value
            case (true, nil): members.remove(at: i)
            case (false, let value?): members.insert((name, value), at: i)
            case (false, nil): break
            }
        }
    }

    public var isEmpty: Bool { members.isEmpty }

    public func makeIterator() -> IndexingIterator<[(String, JSON)]> { members.makeIterator() }

    public static func == (a: Attributes, b: Attributes) -> Bool {
        JSON.object(a.members) == JSON.object(b.members)
    }

    /// Byte order of the UTF-8 forms (what `memcmp` gives), without Unicode comparison.
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        return a.withUTF8 { pa in order(of: b, against: pa) > 0 }
    }

    /// Where `name` is among the members (found), or where it would go: its UTF-8 form taken
    /// once and compared with each name the search meets, eight bytes at a time.
    private func position(_ name: String) -> (index: Int, found: Bool) {
        var name = name
        return name.withUTF8 { key -> (index: Int, found: Bool) in
            // Attributes mostly arrive in order: check the end first.
            guard let last = members.last else { return (0, false) }
            let c = Attributes.order(of: last.0, against: key)
            if c <= 0 { return c == 0 ? (members.count - 1, true) : (members.count, false) }
            var low = 0
            var high = members.count - 1
            while low < high {
                let mid = (low + high) / 2
                let c = Attributes.order(of: members[mid].0, against: key)
                if c == 0 { return (mid, true) }
                if c < 0 { low = mid + 1 } else { high = mid }
            }
            return (low, false)
        }
    }

    /// The byte order of `a`'s UTF-8 form against `key`: negative before, zero equal,
    /// positive after.
    @inline(__always)
    static func order(of a: String, against key: UnsafeBufferPointer<UInt8>) -> Int {
        if let c = a.utf8.withContiguousStorageIfAvailable({ order($0, key) }) { return c }
        return a.utf8.lexicographicallyPrecedes(key) ? -1 : (a.utf8.elementsEqual(key) ? 0 : 1)
    }

    /// The byte order of `a` against `b` (as `memcmp`, then the shorter first).
    @inline(__always)
    static func order(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Swift.min(a.count, b.count)
        if n > 0 {
            let pa = UnsafeRawPointer(a.baseAddress!)
            let pb = UnsafeRawPointer(b.baseAddress!)
            var i = 0
            while i + 8 <= n {
                let x = UInt64(bigEndian: pa.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let y = UInt64(bigEndian: pb.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if x != y { return x < y ? -1 : 1 }
                i += 8
            }
            while i < n {
                let x = a[i]
                let y = b[i]
                if x != y { return x < y ? -1 : 1 }
                i += 1
            }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
