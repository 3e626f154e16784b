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
        for (k, v) in pairs { self[k] = v }
    }

    /// Members already in byte order of their names, each name once (the caller checked).
    init(sortedMembers: [(String, JSON)]) {
        members = sortedMembers
    }

    public subscript(name: String) -> JSON? {
        get {
            let i = lowerBound(name)
            return i < members.count && members[i].0 == name ? members[i].1 : nil
        }
        set {
            let i = lowerBound(name)
            let present = i < members.count && members[i].0 == name
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
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in
                let n = Swift.min(pa.count, pb.count)
                let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
                return c < 0 || (c == 0 && pa.count < pb.count)
            }
        }
        if let fast, let result = fast { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private func lowerBound(_ name: String) -> Int {
        // Attributes mostly arrive in order: check the end first.
        if let last = members.last, Attributes.precedes(last.0, name) { return members.count }
        var low = 0
        var high = members.count
        while low < high {
            let mid = (low + high) / 2
            if Attributes.precedes(members[mid].0, name) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
