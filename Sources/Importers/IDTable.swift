import Foundation

/// Ids a log names (tool call ids, message ids) that an importer must remember to the end of
/// the log, each with a value: their UTF-8 bytes end to end in one buffer and an open-addressed
/// table of entry numbers, about 40 bytes an id plus its own length, where a `Set<String>` or
/// `[String: Int]` holds a heap allocation per id (80 bytes for a 30-byte id) and a wider
/// table: what an importer keeps for a long log is the part of its memory that grows with the
/// log (docs/performance.md, "Run 14"). Ids are compared byte for byte: exact, never by hash
/// alone. Entries are never removed.
struct IDTable<Value> {
    private var bytes: [UInt8] = []
    /// Entry `i`'s bytes end at `ends[i]` (and start where `i - 1`'s end).
    private var ends: [Int] = []
    private var values: [Value] = []
    /// 0: empty; else an entry's number plus one. Its count is a power of two, at least twice `count`.
    private var slots: [Int] = []

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    subscript(id: String) -> Value? {
        guard !slots.isEmpty else { return nil }
        return Self.withBytes(id) { key in
            let (_, entry) = find(key)
            return entry.map { values[$0] }
        }
    }

    func contains(_ id: String) -> Bool { self[id] != nil }

    /// Sets the value of `id`, adding it when it is new.
    mutating func set(_ id: String, _ value: Value) {
        if slots.count < 2 * (count + 1) { grow() }
        Self.withBytes(id) { key in
            let (slot, entry) = find(key)
            if let entry {
                values[entry] = value
                return
            }
            bytes.append(contentsOf: key)
            ends.append(bytes.count)
            values.append(value)
            slots[slot] = ends.count
        }
    }

    /// The slot `key` is in (its entry), or the empty slot it would go in (nil).
    private func find(_ key: UnsafeBufferPointer<UInt8>) -> (slot: Int, entry: Int?) {
        let mask = slots.count - 1
        var slot = hash(key) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return (slot, nil) }
            let entry = stored - 1
            let start = entry == 0 ? 0 : ends[entry - 1]
            if ends[entry] - start == key.count,
                bytes.withUnsafeBufferPointer({ key.count == 0 || memcmp($0.baseAddress! + start, key.baseAddress!, key.count) == 0 })
            {
                return (slot, entry)
            }
            slot = (slot + 1) & mask
        }
    }

    private func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        // Swift's hasher, seeded per process: a log cannot choose ids that collide.
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(key))
        return hasher.finalize()
    }

    /// Doubles the table (16 slots at first) and puts every entry in it again.
    private mutating func grow() {
        slots = [Int](repeating: 0, count: max(16, slots.count * 2))
        let mask = slots.count - 1
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for (entry, end) in ends.enumerated() {
                let key = UnsafeBufferPointer(rebasing: all[start..<end])
                var slot = hash(key) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = entry + 1
                start = end
            }
        }
    }

    private static func withBytes<T>(_ id: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = id.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(id.utf8).withUnsafeBufferPointer(body)
    }
}

extension IDTable where Value == Void {
    mutating func insert(_ id: String) { set(id, ()) }
}
