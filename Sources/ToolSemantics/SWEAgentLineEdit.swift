/// SWE-agent 0.x's `edit N:M` (`config/commands/edit_linting.sh`) on a file's bytes:
///
///     start_line="$(echo $1: | cut -d: -f1)"; end_line="$(echo $1: | cut -d: -f2)"
///     (both must match ^[0-9]+$, else "Usage: edit <start_line>:<end_line>")
///     mapfile -t lines < "$CURRENT_FILE"
///     new_lines=("${lines[@]:0:$((start_line - 1))}" "${replacement[@]}" "${lines[@]:$end_line}")
///     printf "%s\n" "${new_lines[@]}" >| "$CURRENT_FILE"
///
/// Lines are split at `\n` (a last line without one is a line; `\r` stays in the line), every
/// line written back ends with `\n`, and no lines at all write one empty line (`printf` with no
/// arguments still prints its format once). Slices past the end are empty, so `edit 9:9`
/// past the end appends; an end before the start keeps lines on both sides of the text
/// (`edit 5:3` has line 4 before and after it). What bash
/// would do that is not modelled here (`edit 0:N`: a negative slice length, an error; numbers
/// with leading zeros: octal, or an error) is `notModelled`.
package enum SWEAgentLineEdit {
    package enum Failure: Error, Equatable {
        /// The function's own refusal, as it printed it.
        case usage(String)
        /// An input whose effect bash decides in a way replay does not follow.
        case notModelled(String)
    }

    /// The range `edit`'s first argument names (1-based, inclusive end).
    package static func range(_ arguments: [String]) -> Result<(start: Int, end: Int), Failure> {
        let usage = "Usage: edit <start_line>:<end_line>"
        let argument = arguments.first ?? ""
        if argument.contains(where: { $0 == " " || $0 == "\t" || $0 == "*" || $0 == "?" || $0 == "[" }) || argument.hasPrefix("-") {
            return .failure(.notModelled("`echo $1:` splits or expands the argument \(argument.debugDescription)"))
        }
        let fields = (argument + ":").split(separator: ":", omittingEmptySubsequences: false)
        let start = String(fields[0]), end = String(fields[1])
        if start.isEmpty || end.isEmpty { return .failure(.usage(usage)) }
        for (name, value) in [("start_line", start), ("end_line", end)] where !value.allSatisfy({ ("0"..."9").contains($0) }) {
            return .failure(.usage(usage + "\nError: \(name) must be a number"))
        }
        for value in [start, end] where (value.count > 1 && value.hasPrefix("0")) || value.count > 9 {
            return .failure(.notModelled("bash reads \(value) as \(value.hasPrefix("0") ? "octal" : "a number this large")"))
        }
        guard let s = Int(start), let e = Int(end) else { return .failure(.usage(usage)) }
        if s == 0 { return .failure(.notModelled("`edit 0:…` slices with a negative length, which bash refuses")) }
        return .success((s, e))
    }

    /// `mapfile -t`: the file's lines without their `\n`.
    package static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        guard !bytes.isEmpty else { return [] }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A { lines.removeLast() }
        return lines
    }

    /// The file after `edit start:end` with `text` (the heredoc's lines, each ending in `\n`).
    package static func apply(_ file: [UInt8], start: Int, end: Int, text: [UInt8]) -> [UInt8] {
        let old = lines(file)
        let replacement = lines(text)
        let before = old.prefix(max(0, start - 1))
        let after = end < old.count ? old[max(0, end)...] : []
        let all = Array(before) + replacement + Array(after)
        if all.isEmpty { return [0x0A] }
        var out: [UInt8] = []
        out.reserveCapacity(file.count + text.count)
        for line in all {
            out += line
            out.append(0x0A)
        }
        return out
    }

    /// How many lines `edit` read as the replacement (`line_count`).
    package static func lineCount(_ text: [UInt8]) -> Int { lines(text).count }
}
