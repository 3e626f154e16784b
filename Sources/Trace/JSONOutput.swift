/// Where `JSONWriter` and `TraceWriter` put bytes: an array (`[UInt8]`, what their public
/// functions take), or a `ByteBuffer` (what `TraceOutput` writes a trace into, written
/// through a pointer without an array's checks on every append).
protocol JSONOutput {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Appends `bytes` (UTF-8) as a JSON string: quoted, escaped as `JSONWriter` escapes.
    mutating func appendString(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension JSONOutput {
    @inline(__always)
    mutating func append(literal text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

extension Array: JSONOutput where Element == UInt8 {
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
    mutating func appendString(_ bytes: UnsafeBufferPointer<UInt8>) { JSONWriter.writeString(bytes, into: &self) }
}

/// A growable run of bytes written through a pointer: room is checked once per piece, not
/// per byte, and an escaped string is written in one pass into room for its worst case.
final class ByteBuffer: JSONOutput {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func removeAll() { count = 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if bytes.count > 0 { (base + count).update(from: bytes.baseAddress!, count: bytes.count) }
        count += bytes.count
    }

    func appendString(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        let first = JSONStringScan.firstSpecial(bytes, from: 0, to: n)
        // Room for the worst case after the first special byte: every byte a six-byte escape
        // (for a long string, counted instead: six times a megabyte is not worth holding).
        let worst = first + (n - first) * 6 + 2
        if worst <= 1 << 16 {
            reserve(worst)
        } else {
            var length = n + 2
            var i = first
            while i < n {
                length += JSONWriter.escapedLength(bytes[i]) - 1
                i = JSONStringScan.firstSpecial(bytes, from: i + 1, to: n)
            }
            reserve(length)
        }
        base[count] = UInt8(ascii: "\"")
        let end = JSONWriter.writeEscaped(bytes, from: first, to: base + count + 1)
        end.pointee = UInt8(ascii: "\"")
        count = end + 1 - base
    }
}
