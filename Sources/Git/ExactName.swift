import Foundation

/// A file name or path as git holds it: equal, hashed and ordered by its bytes. Swift's
/// `String` is equal by canonical equivalence, so `café` written precomposed and with a
/// combining accent would be one key, where git (and Linux's file systems) have two files.
package struct ExactName: Hashable, Comparable {
    package let value: String

    package init(_ value: String) { self.value = value }

    package static func == (a: ExactName, b: ExactName) -> Bool {
        let x = a.value.utf8, y = b.value.utf8
        let equal = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in
                p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0)
            }
        }
        return (equal ?? nil) ?? x.elementsEqual(y)
    }

    package func hash(into hasher: inout Hasher) {
        let bytes = value.utf8
        if bytes.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in bytes { hasher.combine(byte) }
        }
    }

    package static func < (a: ExactName, b: ExactName) -> Bool { a.value.utf8.lexicographicallyPrecedes(b.value.utf8) }
}
