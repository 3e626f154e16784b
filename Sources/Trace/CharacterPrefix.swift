extension String {
    /// `prefix(count)`, the first `count` characters, found by the bytes when the first
    /// `count + 1` are ASCII other than a carriage return: each of them is a character of its
    /// own (an ASCII character joins the one before it only as a newline after a carriage
    /// return), and none joins the last one kept. Otherwise by characters. A tool's input or
    /// output cut for a summary was walked character by character, often twice (`count`, then
    /// `prefix`).
    public func prefix(characters count: Int) -> Substring {
        guard let ascii = plainASCIIBytes(upTo: count + 1) else { return prefix(count) }
        return self[..<utf8.index(utf8.startIndex, offsetBy: Swift.min(ascii, count))]
    }

    /// Whether the string has more than `count` characters (`self.count > count`), without
    /// counting past its first `count + 2` bytes when they are ASCII other than a carriage
    /// return.
    public func hasMoreCharacters(than count: Int) -> Bool {
        guard let ascii = plainASCIIBytes(upTo: count + 2) else { return self.count > count }
        return ascii > count
    }

    /// How many of the first `limit` bytes there are (fewer when the string is shorter), when
    /// all of them are ASCII other than a carriage return; nil otherwise or when the string
    /// has no contiguous UTF-8.
    private func plainASCIIBytes(upTo limit: Int) -> Int? {
        let found = utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            let n = Swift.min(bytes.count, limit)
            for i in 0..<n where bytes[i] >= 0x80 || bytes[i] == 0x0D { return nil }
            return n
        }
        return found ?? nil
    }
}
