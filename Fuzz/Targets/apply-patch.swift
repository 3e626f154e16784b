import ToolSemantics

/// Fuzz target `apply-patch`: Codex's `apply_patch` as replay reads it (linked against the
/// `ToolSemantics` module, where it lives; the part that writes to a workspace is replay's).
///
/// The input is a patch, optionally followed by a NUL byte and the file it is applied to.
/// The patch is read the three ways a Codex trace can carry one: found inside a shell script
/// (`apply_patch <<'EOF'` …), parsed as an `apply_patch` patch whose updates are applied to
/// the file, and read as the unified diff a `patch_apply_end` event records, applied to the
/// file too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.bytes(data, size)
    let cut = bytes.firstIndex(of: 0) ?? bytes.count
    let patchBytes = Array(bytes[..<cut])
    let original = cut < bytes.count ? Array(bytes[(cut + 1)...]) : Array("alpha\nbeta\ngamma\n".utf8)
    let text = String(decoding: patchBytes, as: UTF8.self)

    var patches = [text]
    if let found = ApplyPatchInvocation.from(script: text) { patches.append(found.patch) }
    let argv = text.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
    if let found = ApplyPatchInvocation.from(argv: argv) { patches.append(found.patch) }
    for patch in patches {
        guard let parsed = try? ApplyPatch.parse(patch) else { continue }
        for operation in parsed.operations {
            if case .update(let path, _, let chunks) = operation {
                _ = ApplyPatch.update(original, chunks: chunks, path: path)
            }
        }
    }

    let (lines, _) = UnifiedDiff.split(patchBytes)
    for start in lines.indices where lines[start].starts(with: Array("@@ ".utf8)) {
        if let (hunks, _) = UnifiedDiff.parseHunks(lines, from: start) {
            _ = UnifiedDiff(hunks: hunks).apply(to: original)
            _ = UnifiedDiff(hunks: hunks).apply(to: nil)
        }
    }
    return 0
}
